# Mosquitto: a single broker (MQTT has no clustering) behind a ClusterIP Service. The password
# file comes from a Secret holding "user:password" lines; an init container hashes it with
# mosquitto_passwd -U into an in-memory volume, so no plain password reaches the broker's config.

locals {
  labels = {
    "app.kubernetes.io/name"       = "mosquitto"
    "app.kubernetes.io/instance"   = var.name
    "app.kubernetes.io/part-of"    = "dctwin"
    "app.kubernetes.io/managed-by" = "terraform"
  }
  mosquitto_uid = 1883 # the mosquitto user of the eclipse-mosquitto image
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
      listener ${var.port}
      allow_anonymous false
      password_file /mosquitto/passwd/passwords
      persistence true
      persistence_location /mosquitto/data/
      log_dest stdout
      log_type error
      log_type warning
      log_type notice
    EOT
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
          "dctwin.dev/config-sha256"      = sha256(kubernetes_config_map_v1.config.data["mosquitto.conf"])
          "dctwin.dev/passwords-revision" = kubernetes_secret_v1.passwords.metadata[0].resource_version
        }
      }

      spec {
        security_context {
          run_as_user     = local.mosquitto_uid
          run_as_group    = local.mosquitto_uid
          run_as_non_root = true
          fs_group        = local.mosquitto_uid
        }

        init_container {
          name    = "hash-passwords"
          image   = var.image
          command = ["sh", "-c", "cp /secret/passwords.txt /mosquitto/passwd/passwords && chmod 0600 /mosquitto/passwd/passwords && mosquitto_passwd -U /mosquitto/passwd/passwords"]
          volume_mount {
            name       = "passwords-plain"
            mount_path = "/secret"
            read_only  = true
          }
          volume_mount {
            name       = "passwd"
            mount_path = "/mosquitto/passwd"
          }
        }

        container {
          name  = "mosquitto"
          image = var.image
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
            name       = "data"
            mount_path = "/mosquitto/data"
          }
        }

        volume {
          name = "config"
          config_map {
            name = kubernetes_config_map_v1.config.metadata[0].name
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
