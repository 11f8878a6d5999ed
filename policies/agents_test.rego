package tollgate.agents

import rego.v1

ada := {"email": "ada@example.com", "roles": ["security"], "counts": true}

bob := {"email": "bob@example.com", "roles": ["release"], "counts": true}

test_new_agent_with_one_approval_is_denied if {
	count(deny) == 1 with input as {"added_files": ["agents/scraper.py"], "approvals": [ada]}
}

test_new_agent_with_two_approvals_is_allowed if {
	count(deny) == 0 with input as {"added_files": ["agents/scraper.py"], "approvals": [ada, bob]}
}

test_same_maintainer_twice_counts_once if {
	count(deny) == 1 with input as {"added_files": ["agents/scraper.py"], "approvals": [ada, ada]}
}

test_agents_path_is_configurable if {
	count(deny) == 1 with input as {"added_files": ["bots/x.py"], "approvals": []}
		with data.tollgate.config.agents_path as "bots/"
	count(deny) == 0 with input as {"added_files": ["agents/x.py"], "approvals": []}
		with data.tollgate.config.agents_path as "bots/"
}

test_changed_files_stand_in_for_added_files if {
	count(deny) == 1 with input as {"changed_files": ["agents/new.py"], "approvals": []}
}

test_message_names_the_files if {
	deny[`new agent files ["agents/a.py", "agents/b.py"] need approvals from 2 maintainers (have 0)`] with input as {
		"added_files": ["agents/b.py", "agents/a.py", "src/x.py"],
	}
}
