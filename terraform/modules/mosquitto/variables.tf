variable "namespace" {
  type        = string
  description = "Namespace to run the broker in."
}

variable "name" {
  type        = string
  description = "Name of the Deployment, Service, ConfigMap and Secret."
  default     = "mosquitto"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.name)) && length(var.name) <= 50
    error_message = "name must be a DNS label of at most 50 characters."
  }
}

variable "image" {
  type        = string
  description = "Eclipse Mosquitto 2.x image with a fixed tag; its mosquitto_passwd hashes the password file at start."
  default     = "eclipse-mosquitto:2.0.20"

  validation {
    condition     = can(regex("(:[A-Za-z0-9_][A-Za-z0-9_.-]*|@sha256:[0-9a-f]{64})$", var.image)) && !endswith(var.image, ":latest")
    error_message = "image needs a fixed tag or digest (not :latest)."
  }
}

variable "users" {
  type        = map(string)
  description = "MQTT users: password by user name. Stored in a Secret as a plain password file that an init container hashes (mosquitto_passwd -U) into the broker's password file; anonymous clients are refused."
  sensitive   = true

  validation {
    condition     = length(var.users) > 0
    error_message = "Give at least one MQTT user."
  }

  validation {
    condition     = alltrue([for user, password in var.users : can(regex("^[A-Za-z0-9_.@-]+$", user)) && length(password) >= 12 && !can(regex("[\\r\\n]", password))])
    error_message = "User names are letters, digits and _ . @ -; passwords have at least 12 characters and no line breaks."
  }
}

variable "port" {
  type        = number
  description = "MQTT (TCP, no TLS) port of the broker and its Service."
  default     = 1883

  validation {
    condition     = var.port > 0 && var.port < 65536
    error_message = "port must be a TCP port number."
  }
}

variable "resources" {
  type = object({
    cpu_request    = optional(string, "100m")
    memory_request = optional(string, "64Mi")
    cpu_limit      = optional(string, "500m")
    memory_limit   = optional(string, "256Mi")
  })
  description = "CPU and memory requests and limits of the broker container."
  default     = {}
  nullable    = false
}
