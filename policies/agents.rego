# New agents need two maintainers' approvals. Agents live under a configurable path:
# data.tollgate.config.agents_path (default "agents/"). New files are `input.added_files` when the
# input lists them, else every changed file under that path.
package tollgate.agents

import rego.v1

default agents_path := "agents/"

agents_path := data.tollgate.config.agents_path

default required := 2

new_files := input.added_files

new_files := input.changed_files if not input.added_files

new_agents contains path if {
	some path in new_files
	startswith(path, agents_path)
}

approvers contains approval.email if {
	some approval in input.approvals
	approval.counts == true
}

deny contains msg if {
	count(new_agents) > 0
	count(approvers) < required
	msg := sprintf("new agent files %v need approvals from %d maintainers (have %d)", [
		sort(new_agents),
		required, count(approvers),
	])
}
