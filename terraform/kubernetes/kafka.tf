# Kafka in KRaft mode (no ZooKeeper): one KafkaNodePool whose nodes are both controllers and
# brokers, and the Kafka resource that Strimzi turns into the cluster. Topics are KafkaTopic
# resources that the Topic Operator reconciles.

locals {
  # A one-node development cluster cannot replicate; otherwise keep 3 copies, 2 in sync.
  kafka_replication = min(var.kafka_replicas, 3)
  kafka_min_isr     = var.kafka_replicas >= 3 ? 2 : 1
  kafka_bootstrap   = "${var.kafka_cluster_name}-kafka-bootstrap.${var.namespace}.svc:9092"
}

resource "kubernetes_manifest" "kafka_node_pool" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "KafkaNodePool"
    metadata = {
      name      = "${var.kafka_cluster_name}-dual-role"
      namespace = var.namespace
      labels = merge(local.labels, {
        "strimzi.io/cluster" = var.kafka_cluster_name
      })
    }
    spec = {
      replicas = var.kafka_replicas
      roles    = ["controller", "broker"]
      resources = {
        requests = { cpu = var.kafka_resources.cpu, memory = var.kafka_resources.memory }
        limits   = { cpu = var.kafka_resources.cpu, memory = var.kafka_resources.memory }
      }
      storage = {
        type = "jbod"
        # Null attributes would show as a change on every plan: leave the class out instead.
        volumes = [merge(
          {
            id            = 0
            type          = "persistent-claim"
            size          = var.kafka_storage.size
            deleteClaim   = false
            kraftMetadata = "shared"
          },
          var.kafka_storage.storage_class == null ? {} : { class = var.kafka_storage.storage_class },
        )]
      }
    }
  }

  depends_on = [module.operators]
}

resource "kubernetes_manifest" "kafka" {
  manifest = {
    apiVersion = "kafka.strimzi.io/v1beta2"
    kind       = "Kafka"
    metadata = {
      name      = var.kafka_cluster_name
      namespace = var.namespace
      labels    = local.labels
      annotations = {
        "strimzi.io/node-pools" = "enabled"
        "strimzi.io/kraft"      = "enabled"
      }
    }
    spec = {
      kafka = {
        version = var.kafka_version
        listeners = [{
          name = "plain"
          port = 9092
          type = "internal"
          tls  = false
        }]
        config = {
          "default.replication.factor"               = local.kafka_replication
          "min.insync.replicas"                      = local.kafka_min_isr
          "offsets.topic.replication.factor"         = local.kafka_replication
          "transaction.state.log.replication.factor" = local.kafka_replication
          "transaction.state.log.min.isr"            = local.kafka_min_isr
          "auto.create.topics.enable"                = false
        }
      }
      entityOperator = {
        topicOperator = {
          resources = {
            requests = { cpu = "100m", memory = "256Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
        }
        userOperator = {
          resources = {
            requests = { cpu = "100m", memory = "256Mi" }
            limits   = { cpu = "500m", memory = "512Mi" }
          }
        }
      }
    }
  }

  wait {
    condition {
      type   = "Ready"
      status = "True"
    }
  }

  timeouts {
    create = "30m"
    update = "30m"
  }

  depends_on = [module.operators, kubernetes_manifest.kafka_node_pool]
}

module "kafka_topics" {
  source = "../modules/kafka-topics"

  namespace    = var.namespace
  cluster_name = var.kafka_cluster_name
  topics = {
    for topic in var.kafka_topics : topic => {
      partitions = var.kafka_topic_partitions
      replicas   = local.kafka_replication
      config = {
        "retention.ms"        = tostring(var.kafka_topic_retention_hours * 3600 * 1000)
        "min.insync.replicas" = tostring(local.kafka_min_isr)
      }
    }
  }

  depends_on = [kubernetes_manifest.kafka]
}
