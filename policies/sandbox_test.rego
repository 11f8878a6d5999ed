package tollgate.sandbox

import rego.v1

test_limits_within_bounds_pass if {
	count(deny) == 0 with input as {"sandbox": {"SANDBOX_CPU_SEC": 30, "SANDBOX_MEM_MB": 2048, "source": ".env"}}
}

test_missing_limit_is_denied if {
	deny["sandbox limit SANDBOX_MEM_MB is not set"] with input as {"sandbox": {"SANDBOX_CPU_SEC": 30}}
}

test_no_sandbox_at_all_denies_both if {
	count(deny) == 2 with input as {}
}

test_limit_over_bound_is_denied if {
	deny["sandbox limit SANDBOX_CPU_SEC = 7200 exceeds the bound 3600"] with input as {"sandbox": {
		"SANDBOX_CPU_SEC": 7200,
		"SANDBOX_MEM_MB": 2048,
	}}
}

test_zero_is_denied if {
	deny["sandbox limit SANDBOX_CPU_SEC = 0 must be positive"] with input as {"sandbox": {
		"SANDBOX_CPU_SEC": 0,
		"SANDBOX_MEM_MB": 2048,
	}}
}

test_bounds_are_configurable if {
	count(deny) == 0 with input as {"sandbox": {"SANDBOX_CPU_SEC": 7200, "SANDBOX_MEM_MB": 2048}}
		with data.tollgate.config.sandbox_max as {"SANDBOX_CPU_SEC": 10000, "SANDBOX_MEM_MB": 65536}
}
