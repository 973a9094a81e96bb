terraform {
  # optional() object attributes with defaults (1.3), output preconditions (1.2), check blocks (1.5).
  required_version = "~> 1.6"
}
