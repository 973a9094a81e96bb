# dctwin on Kubernetes: the operators (Flink, Strimzi, CloudNativePG), Kafka in KRaft mode with
# dctwin's topics, PostgreSQL, Mosquitto, and the pipeline as a FlinkDeployment in application
# mode. kubernetes_manifest resources need their CRDs at plan time, so a first deployment applies
# the namespace and module.operators first (README.md).

locals {
  labels = {
    "app.kubernetes.io/part-of"    = "dctwin"
    "app.kubernetes.io/managed-by" = "terraform"
  }
}

resource "kubernetes_namespace_v1" "dctwin" {
  metadata {
    name   = var.namespace
    labels = local.labels
  }
}

module "operators" {
  source = "../modules/k8s-operators"

  watch_namespaces = [kubernetes_namespace_v1.dctwin.metadata[0].name]
  flink_operator = {
    version = var.flink_operator_chart_version
    webhook = var.flink_operator_webhook
  }
  strimzi = {
    version = var.strimzi_chart_version
  }
  cloudnative_pg = {
    version = var.cloudnative_pg_chart_version
  }
}
