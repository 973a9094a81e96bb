# Mosquitto: a single broker (MQTT has no clustering) behind a ClusterIP Service, listening with
# TLS only (certificate and key from a kubernetes.io/tls Secret), no anonymous clients, and an ACL
# file that gives each user its topics. The password file comes from a Secret holding
# "user:password" lines; an init container hashes it with mosquitto_passwd -U into an in-memory
# volume, so no plain password reaches the broker's config. Both containers run as the mosquitto
# user with a read-only root filesystem: they write only to their emptyDir volumes.

locals {
  labels = {
    "app.kubernetes.io/name"       = "mosquitto"
    "app.kubernetes.io/instance"   = var.name
    "app.kubernetes.io/part-of"    = "dctwin"
    "app.kubernetes.io/managed-by" = "terraform"
  }
  mosquitto_uid = 1883 # the mosquitto user of the eclipse-mosquitto image

  # Mosquitto's ACL file: "user <name>" then that user's "topic <read|write|readwrite> <pattern>".
  acl = join("\n", [
    for user in sort(keys(var.acl)) : join("\n", concat(
      ["user ${user}"],
      [for topic in var.acl[user].read : "topic read ${topic}"],
      [for topic in var.acl[user].write : "topic write ${topic}"],
      [for topic in var.acl[user].readwrite : "topic readwrite ${topic}"],
    ))
  ])
}

resource "kubernetes_secret_v1" "passwords" {
  metadata {
    name      = "${var.name}-passwords"
    namespace = var.namespace
    labels    = local.labels
  }
  data = {
    "passwords.txt" = join("", [for user in sort(keys(var.users)) : "${user}:${var.users[user]}\n"])
  }
}

resource "kubernetes_config_map_v1" "config" {
  metadata {
    name      = "${var.name}-config"
    namespace = var.namespace
    labels    = local.labels
  }
  data = {
    "mosquitto.conf" = <<-EOT
      per_listener_settings false
      listener ${var.port}
      certfile /mosquitto/tls/tls.crt
      keyfile /mosquitto/tls/tls.key
      tls_version tlsv1.2
      allow_anonymous false
      password_file /mosquitto/passwd/passwords
      acl_file /mosquitto/config/acl
      persistence true
      persistence_location /mosquitto/data/
      log_dest stdout
      log_type error
      log_type warning
      log_type notice
    EOT
    "acl"            = "${local.acl}\n"
  }
}

resource "kubernetes_deployment_v1" "broker" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }

  spec {
    replicas = 1
    strategy {
      type = "Recreate"
    }
    selector {
      match_labels = {
        "app.kubernetes.io/name"     = "mosquitto"
        "app.kubernetes.io/instance" = var.name
      }
    }

    template {
      metadata {
        labels = local.labels
        annotations = {
          # Roll the pod when the configuration or the users change (the Secret's version, not a
          # hash of its content, which would leak a fast hash of the passwords).
          "dctwin.dev/config-sha256"      = sha256(join("\n", [for key in sort(keys(kubernetes_config_map_v1.config.data)) : kubernetes_config_map_v1.config.data[key]]))
          "dctwin.dev/passwords-revision" = kubernetes_secret_v1.passwords.metadata[0].resource_version
        }
      }

      spec {
        security_context {
          run_as_user     = local.mosquitto_uid
          run_as_group    = local.mosquitto_uid
          run_as_non_root = true
          fs_group        = local.mosquitto_uid
          seccomp_profile {
            type = "RuntimeDefault"
          }
        }

        init_container {
          name    = "hash-passwords"
          image   = var.image
          command = ["sh", "-c", "cp /secret/passwords.txt /mosquitto/passwd/passwords && chmod 0600 /mosquitto/passwd/passwords && mosquitto_passwd -U /mosquitto/passwd/passwords"]
          security_context {
            run_as_non_root            = true
            read_only_root_filesystem  = true
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
            }
          }
          volume_mount {
            name       = "passwords-plain"
            mount_path = "/secret"
            read_only  = true
          }
          volume_mount {
            name       = "passwd"
            mount_path = "/mosquitto/passwd"
          }
          volume_mount {
            name       = "tmp"
            mount_path = "/tmp"
          }
        }

        container {
          name  = "mosquitto"
          image = var.image
          security_context {
            run_as_non_root            = true
            read_only_root_filesystem  = true
            allow_privilege_escalation = false
            capabilities {
              drop = ["ALL"]
            }
          }
          port {
            name           = "mqtt"
            container_port = var.port
          }
          resources {
            requests = {
              cpu    = var.resources.cpu_request
              memory = var.resources.memory_request
            }
            limits = {
              cpu    = var.resources.cpu_limit
              memory = var.resources.memory_limit
            }
          }
          readiness_probe {
            tcp_socket {
              port = var.port
            }
            period_seconds = 10
          }
          liveness_probe {
            tcp_socket {
              port = var.port
            }
            initial_delay_seconds = 10
            period_seconds        = 20
          }
          volume_mount {
            name       = "config"
            mount_path = "/mosquitto/config"
            read_only  = true
          }
          volume_mount {
            name       = "passwd"
            mount_path = "/mosquitto/passwd"
            read_only  = true
          }
          volume_mount {
            name       = "tls"
            mount_path = "/mosquitto/tls"
            read_only  = true
          }
          volume_mount {
            name       = "data"
            mount_path = "/mosquitto/data"
          }
        }

        volume {
          name = "config"
          config_map {
            name         = kubernetes_config_map_v1.config.metadata[0].name
            default_mode = "0440"
          }
        }
        volume {
          name = "tls"
          secret {
            secret_name  = var.tls_certificate
            default_mode = "0440"
            items {
              key  = "tls.crt"
              path = "tls.crt"
            }
            items {
              key  = "tls.key"
              path = "tls.key"
            }
          }
        }
        volume {
          name = "passwords-plain"
          secret {
            secret_name  = kubernetes_secret_v1.passwords.metadata[0].name
            default_mode = "0400"
          }
        }
        volume {
          name = "passwd"
          empty_dir {
            medium = "Memory"
          }
        }
        volume {
          name = "tmp"
          empty_dir {
            medium = "Memory"
          }
        }
        volume {
          # QoS 1 messages in flight and retained messages; lost when the pod moves.
          name = "data"
          empty_dir {}
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "broker" {
  metadata {
    name      = var.name
    namespace = var.namespace
    labels    = local.labels
  }
  spec {
    type = "ClusterIP"
    selector = {
      "app.kubernetes.io/name"     = "mosquitto"
      "app.kubernetes.io/instance" = var.name
    }
    port {
      name        = "mqtt"
      port        = var.port
      target_port = "mqtt"
    }
  }
}
