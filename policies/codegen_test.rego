package codegen

test_example_domain_is_blocked {
  deny["example domain blocked"] with input as {"url": "api.example.com"}
}

test_other_domains_pass {
  count(deny) == 0 with input as {"url": "api.github.com"}
}
