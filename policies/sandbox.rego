# Sandbox limits are present and within the configured bounds. Bounds come from
# data.tollgate.config.sandbox_max (default: 3600 CPU seconds, 65536 MB).
package tollgate.sandbox

import rego.v1

default_max := {"SANDBOX_CPU_SEC": 3600, "SANDBOX_MEM_MB": 65536}

bound(name) := data.tollgate.config.sandbox_max[name]

bound(name) := default_max[name] if not data.tollgate.config.sandbox_max[name]

deny contains msg if {
	some name, _ in default_max
	not number_set(name)
	msg := sprintf("sandbox limit %s is not set", [name])
}

# A helper rule, not `not is_number(input.sandbox[name])`: OPA evaluates a call's arguments before
# the `not`, so a missing limit would make that line undefined rather than true.
number_set(name) if is_number(input.sandbox[name])

deny contains msg if {
	some name, _ in default_max
	value := input.sandbox[name]
	is_number(value)
	not value > 0
	msg := sprintf("sandbox limit %s = %v must be positive", [name, value])
}

deny contains msg if {
	some name, _ in default_max
	value := input.sandbox[name]
	is_number(value)
	value > bound(name)
	msg := sprintf("sandbox limit %s = %v exceeds the bound %v", [name, value, bound(name)])
}

warn contains msg if {
	input.sandbox.source == ""
	msg := "sandbox limits come from no file"
}
