# The seed project's example, in Rego v0 syntax as written there: generated-code gates call
# `tollgate policy eval -i request.json data.codegen.deny`.
package codegen

deny[msg] {
  input.url == "api.example.com"
  msg := "example domain blocked"
}
