# Sandbox limits are present and within the configured bounds. Bounds come from
# data.tollgate.config.sandbox_max (default: 3600 CPU seconds, 65536 MB).
package tollgate.sandbox

import rego.v1

default_max := {"SANDBOX_CPU_SEC": 3600, "SANDBOX_MEM_MB": 65536}

bound(name) := data.tollgate.config.sandbox_max[name]

bound(name) := default_max[name] if not data.tollgate.config.sandbox_max[name]

deny contains msg if {
	some name, _ in default_max
	not is_number(input.sandbox[name])
	msg := sprintf("sandbox limit %s is not set", [name])
}

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
