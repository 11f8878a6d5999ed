package tollgate.review

import rego.v1

security := {"name": "Ada", "email": "ada@example.com", "roles": ["release", "security"], "counts": true}

release := {"name": "Bob", "email": "bob@example.com", "roles": ["release"], "counts": true}

test_policy_change_without_approval_is_denied if {
	deny["policies/deny_exfil.rego changed: needs an approval from a maintainer with the security role"] with input as {
		"changed_files": ["policies/deny_exfil.rego"],
		"approvals": [],
	}
}

test_maintainers_change_needs_security_role if {
	count(deny) == 1 with input as {"changed_files": ["MAINTAINERS.yaml"], "approvals": [release]}
}

test_security_approval_allows_policy_change if {
	count(deny) == 0 with input as {"changed_files": ["policies/a.rego", "MAINTAINERS.yaml"], "approvals": [security]}
}

test_approval_that_does_not_count_is_ignored if {
	not_counting := object.union(security, {"counts": false})
	count(deny) == 1 with input as {"changed_files": ["policies/a.rego"], "approvals": [not_counting]}
}

test_other_changes_need_nothing if {
	count(deny) == 0 with input as {"changed_files": ["src/agent.py", "docs/policies.md"]}
}
