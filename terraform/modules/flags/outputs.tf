output "lines" {
  description = "The file's flag lines exactly as written (no comments, no blank lines), without overrides or extras."
  value       = local.lines
}

output "file_options" {
  description = "The file's flags as a map from flag name (without --) to value, without overrides or extras."
  value       = { for flag in local.parsed : flag.name => flag.value }
}

output "args" {
  description = "The command-line flags to run with: the file's flags in file order (overridden values in place), then the extra flags, each as --name=value."
  value       = [for flag in local.effective : "--${flag.name}=${flag.value}"]

  precondition {
    condition     = length(local.malformed_lines) == 0
    error_message = "Every flag line must be --name or --name=value; not: ${join(", ", local.malformed_lines)}."
  }
  precondition {
    condition     = length(local.duplicate_names) == 0
    error_message = "The flags file sets a flag more than once: ${join(", ", local.duplicate_names)}."
  }
  precondition {
    condition     = length(local.unknown_overrides) == 0
    error_message = "overrides names flags that the file does not set (use extra for new flags): ${join(", ", local.unknown_overrides)}."
  }
  precondition {
    condition     = length(local.repeated_as_extras) == 0
    error_message = "extra repeats flags that the file sets (use overrides to change them): ${join(", ", local.repeated_as_extras)}."
  }
}

output "options" {
  description = "The same flags as args, as a map from flag name (without --) to value, e.g. for a Dataflow template's parameters."
  value       = { for flag in local.effective : flag.name => flag.value }

  precondition {
    condition     = length(local.malformed_lines) == 0 && length(local.duplicate_names) == 0
    error_message = "The flags file has malformed or repeated flag lines; see the args output's errors."
  }
  precondition {
    condition     = length(local.unknown_overrides) == 0 && length(local.repeated_as_extras) == 0
    error_message = "overrides must name flags of the file and extra must not; see the args output's errors."
  }
}
