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

variable "acl" {
  type = map(object({
    read      = optional(list(string), [])
    write     = optional(list(string), [])
    readwrite = optional(list(string), [])
  }))
  description = "Topic rights by user name (Mosquitto's acl_file): topic patterns (+ and # wildcards) the user may read (subscribe), write (publish) or both. A user without an entry may do nothing."

  validation {
    condition     = alltrue([for user, rights in var.acl : can(regex("^[A-Za-z0-9_.@-]+$", user)) && alltrue([for t in concat(rights.read, rights.write, rights.readwrite) : t != "" && !can(regex("[\\s]", t))])])
    error_message = "ACL user names are letters, digits and _ . @ -; topic patterns are non-empty and have no white space."
  }
}

variable "tls_certificate" {
  type        = string
  description = "Name of the Secret (kubernetes.io/tls, e.g. made by a cert-manager Certificate) in the namespace with the broker's certificate (tls.crt, chain included) and key (tls.key). Its name must match the host clients connect to (output host)."
}

variable "port" {
  type        = number
  description = "MQTT over TLS port of the broker and its Service (the only listener)."
  default     = 8883

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
