# Policy changes require human review: a change under policies/ or to MAINTAINERS.yaml needs an
# approval that counts from a maintainer holding the `security` role.
package tollgate.review

import rego.v1

sensitive(path) if startswith(path, "policies/")

sensitive(path) if path == "MAINTAINERS.yaml"

security_approvers contains approval.email if {
	some approval in input.approvals
	approval.counts == true
	"security" in approval.roles
}

deny contains msg if {
	some path in input.changed_files
	sensitive(path)
	count(security_approvers) == 0
	msg := sprintf("%s changed: needs an approval from a maintainer with the security role", [path])
}
