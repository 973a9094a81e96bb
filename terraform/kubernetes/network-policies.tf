# Default deny: no pod of the namespace sends or receives anything that a policy below (or one of
# the policies Strimzi generates for its own pods and listener) does not allow. The flows:
#
#   Flink JobManager <-> TaskManagers          any port (RPC, blobs, data exchange)
#   Flink operator -> JobManager               8081 (REST: job status, savepoints, upgrades)
#   Prometheus -> Flink pods                   9249 (metrics), from prometheus_namespace
#   Flink -> Kafka                             9093 (TLS + SCRAM; Strimzi's listener policy admits
#                                              pods labelled dctwin.dev/kafka-client)
#   Flink -> Mosquitto                         8883 (TLS)
#   Flink -> PostgreSQL                        5432
#   Flink, Kafka, PostgreSQL -> Kubernetes API  443/6443 (HA leader election, TaskManager pods,
#                                              the entity operator, CloudNativePG's instance manager)
#   Flink -> object store                      443 (checkpoint_uri), same CIDRs
#   Kafka <-> Kafka, PostgreSQL <-> PostgreSQL replication and controllers
#   CloudNativePG operator -> PostgreSQL       8000 (status), 5432
#   devices -> Mosquitto                       8883, from mqtt_client_namespaces / _cidrs
#   every pod -> DNS                           53
#
# kubectl port-forward does not pass through NetworkPolicies: it stays the way to reach the UI.

locals {
  flink_pods    = { app = var.flink_deployment_name, type = "flink-native-kubernetes" }
  kafka_pods    = { "strimzi.io/cluster" = var.kafka_cluster_name }
  postgres_pods = { "cnpg.io/cluster" = var.postgres_cluster_name }
  mqtt_pods     = { "app.kubernetes.io/name" = "mosquitto" }

  # Pod labels the Flink pods carry so that Mosquitto's and PostgreSQL's policies admit them.
  service_client_labels = {
    "dctwin.dev/mqtt-client"     = "true"
    "dctwin.dev/postgres-client" = "true"
  }

  operator_namespaces = { for key, release in module.operators.releases : key => release.namespace }
}

resource "kubernetes_network_policy_v1" "default_deny" {
  metadata {
    name      = "default-deny"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {}
    policy_types = ["Ingress", "Egress"]
  }
}

resource "kubernetes_network_policy_v1" "dns" {
  metadata {
    name      = "allow-dns"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {}
    policy_types = ["Egress"]
    egress {
      to {
        namespace_selector {}
      }
      ports {
        port     = "53"
        protocol = "UDP"
      }
      ports {
        port     = "53"
        protocol = "TCP"
      }
    }
  }
}

resource "kubernetes_network_policy_v1" "flink" {
  metadata {
    name      = "${var.flink_deployment_name}-flink"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = local.flink_pods
    }
    policy_types = ["Ingress", "Egress"]

    ingress {
      from {
        pod_selector {
          match_labels = local.flink_pods
        }
      }
    }
    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = local.operator_namespaces.flink_operator }
        }
      }
      ports {
        port     = "8081"
        protocol = "TCP"
      }
    }
    dynamic "ingress" {
      for_each = var.prometheus_namespace == null ? [] : [var.prometheus_namespace]
      content {
        from {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = ingress.value }
          }
        }
        ports {
          port     = tostring(local.metrics_port)
          protocol = "TCP"
        }
      }
    }
    dynamic "ingress" {
      for_each = var.ingress == null ? [] : [var.ingress.controller_namespace]
      content {
        from {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = ingress.value }
          }
        }
        ports {
          port     = "8081"
          protocol = "TCP"
        }
      }
    }

    egress {
      to {
        pod_selector {
          match_labels = local.flink_pods
        }
      }
    }
    egress {
      to {
        pod_selector {
          match_labels = local.kafka_pods
        }
      }
      ports {
        port     = tostring(local.kafka_port)
        protocol = "TCP"
      }
    }
    egress {
      to {
        pod_selector {
          match_labels = local.mqtt_pods
        }
      }
      ports {
        port     = "8883"
        protocol = "TCP"
      }
    }
    egress {
      to {
        pod_selector {
          match_labels = local.postgres_pods
        }
      }
      ports {
        port     = "5432"
        protocol = "TCP"
      }
    }
    egress {
      dynamic "to" {
        for_each = var.https_egress_cidrs
        content {
          ip_block {
            cidr = to.value
          }
        }
      }
      ports {
        port     = "443"
        protocol = "TCP"
      }
      ports {
        port     = "6443"
        protocol = "TCP"
      }
    }
  }
}

# Strimzi generates the ingress policies of its pods (listener, replication, controllers); the
# egress they need is here: to each other, and the entity operator to the Kubernetes API.
resource "kubernetes_network_policy_v1" "kafka" {
  metadata {
    name      = "${var.kafka_cluster_name}-kafka-egress"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = local.kafka_pods
    }
    policy_types = ["Egress"]
    egress {
      to {
        pod_selector {
          match_labels = local.kafka_pods
        }
      }
    }
    egress {
      dynamic "to" {
        for_each = var.https_egress_cidrs
        content {
          ip_block {
            cidr = to.value
          }
        }
      }
      ports {
        port     = "443"
        protocol = "TCP"
      }
      ports {
        port     = "6443"
        protocol = "TCP"
      }
    }
  }
}

resource "kubernetes_network_policy_v1" "postgres" {
  metadata {
    name      = "${var.postgres_cluster_name}-postgres"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = local.postgres_pods
    }
    policy_types = ["Ingress", "Egress"]
    ingress {
      from {
        pod_selector {
          match_labels = { "dctwin.dev/postgres-client" = "true" }
        }
      }
      from {
        pod_selector {
          match_labels = local.postgres_pods
        }
      }
      ports {
        port     = "5432"
        protocol = "TCP"
      }
    }
    ingress {
      from {
        namespace_selector {
          match_labels = { "kubernetes.io/metadata.name" = local.operator_namespaces.cloudnative_pg }
        }
      }
      ports {
        port     = "8000"
        protocol = "TCP"
      }
      ports {
        port     = "5432"
        protocol = "TCP"
      }
    }
    egress {
      to {
        pod_selector {
          match_labels = local.postgres_pods
        }
      }
      ports {
        port     = "5432"
        protocol = "TCP"
      }
    }
    egress {
      dynamic "to" {
        for_each = var.https_egress_cidrs
        content {
          ip_block {
            cidr = to.value
          }
        }
      }
      ports {
        port     = "443"
        protocol = "TCP"
      }
      ports {
        port     = "6443"
        protocol = "TCP"
      }
    }
  }
}

resource "kubernetes_network_policy_v1" "mosquitto" {
  metadata {
    name      = "mosquitto"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels    = local.labels
  }
  spec {
    pod_selector {
      match_labels = local.mqtt_pods
    }
    policy_types = ["Ingress"]
    ingress {
      from {
        pod_selector {
          match_labels = { "dctwin.dev/mqtt-client" = "true" }
        }
      }
      dynamic "from" {
        for_each = var.mqtt_client_namespaces
        content {
          namespace_selector {
            match_labels = { "kubernetes.io/metadata.name" = from.value }
          }
        }
      }
      dynamic "from" {
        for_each = var.mqtt_client_cidrs
        content {
          ip_block {
            cidr = from.value
          }
        }
      }
      ports {
        port     = "8883"
        protocol = "TCP"
      }
    }
  }
}
