variable "flags_file" {
  type        = string
  description = "Path of a runner-configs flags file: one --name=value flag per line, blank lines and lines starting with # ignored. Give it relative to the caller, e.g. \"$${path.module}/../../runner-configs/flink-cluster.flags\"."

  validation {
    condition     = fileexists(var.flags_file)
    error_message = "The flags file does not exist."
  }
}

variable "overrides" {
  type        = map(string)
  description = "New values for flags that the file already sets, by flag name without the leading -- (e.g. { flinkMaster = \"[auto]\" }). The flag keeps its place in the list. Naming a flag the file does not set is an error: use extra for new flags."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.overrides) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", name))])
    error_message = "Override names are flag names without the leading --, e.g. flinkMaster."
  }
}

variable "extra" {
  type        = map(string)
  description = "Flags that the file does not set, appended after the file's flags in name order, by flag name without the leading -- (e.g. { inputDir = \"/data/in\" }). Repeating a flag of the file is an error (Beam rejects a flag given twice): use overrides for that."
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for name in keys(var.extra) : can(regex("^[A-Za-z][A-Za-z0-9_]*$", name))])
    error_message = "Extra flag names are flag names without the leading --, e.g. inputDir."
  }
}
