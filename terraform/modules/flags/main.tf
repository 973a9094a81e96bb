# Parses a runner-configs/*.flags file at plan time, so that a deployment runs exactly the flags
# that the repository's runner configuration says, and a change to that file shows up in the plan.

locals {
  # The flag lines as written: trimmed, without blank lines and # comments.
  lines = [
    for line in split("\n", file(var.flags_file)) : trimspace(line)
    if trimspace(line) != "" && !startswith(trimspace(line), "#")
  ]

  # "--name=value" -> { name, value }; a bare "--name" is a boolean switch, value "true".
  # The value is everything after the first "=", so values may contain "=".
  parsed = [
    for line in local.lines : {
      name  = trimprefix(split("=", line)[0], "--")
      value = length(split("=", line)) > 1 ? join("=", slice(split("=", line), 1, length(split("=", line)))) : "true"
    }
  ]

  names = [for flag in local.parsed : flag.name]

  # The file's flags (overridden values in place), then the extra flags in name order.
  effective = concat(
    [for flag in local.parsed : { name = flag.name, value = lookup(var.overrides, flag.name, flag.value) }],
    [for name in sort(keys(var.extra)) : { name = name, value = var.extra[name] }],
  )

  malformed_lines    = [for line in local.lines : line if !can(regex("^--[A-Za-z][A-Za-z0-9_]*(=.*)?$", line))]
  duplicate_names    = distinct([for name in local.names : name if length([for other in local.names : other if other == name]) > 1])
  unknown_overrides  = sort(tolist(setsubtract(keys(var.overrides), local.names)))
  repeated_as_extras = sort(tolist(setintersection(keys(var.extra), local.names)))
}
