package f
import rego.v1
default allow := false
allow if input.user == "admin"
names contains n if some n in input.n
obj[k] := v if some k, v in {"a": 1}
f(x) := y if { y := x * 2 } else := 0
g := [f(i) | some i in numbers.range(1, 3)]
h := sprintf("%v %d", [g, count(names)])
e if every x in input.n { x > 0 }
w := count(input.n) with input.n as [1]
