# PostgreSQL through CloudNativePG: a Cluster whose initdb creates dctwin's database, owned by
# postgres_user, with the password from a basic-auth Secret. Clients use the <name>-rw Service,
# which always points at the primary.

resource "kubernetes_secret_v1" "postgres_app" {
  metadata {
    name      = "${var.postgres_cluster_name}-app-user"
    namespace = kubernetes_namespace_v1.dctwin.metadata[0].name
    labels = merge(local.labels, {
      # CloudNativePG reloads the password into the database when the Secret changes.
      "cnpg.io/reload" = "true"
    })
  }
  type = "kubernetes.io/basic-auth"
  data = {
    username = var.postgres_user
    password = var.postgres_password
  }
}

resource "kubernetes_manifest" "postgres" {
  manifest = {
    apiVersion = "postgresql.cnpg.io/v1"
    kind       = "Cluster"
    metadata = {
      name      = var.postgres_cluster_name
      namespace = var.namespace
      labels    = local.labels
    }
    spec = {
      instances = var.postgres_instances
      imageName = var.postgres_image
      storage = merge(
        { size = var.postgres_storage.size },
        var.postgres_storage.storage_class == null ? {} : { storageClass = var.postgres_storage.storage_class },
      )
      bootstrap = {
        initdb = {
          database = var.postgres_database
          owner    = var.postgres_user
          secret = {
            name = kubernetes_secret_v1.postgres_app.metadata[0].name
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
    create = "20m"
    update = "20m"
  }

  depends_on = [module.operators]
}

locals {
  postgres_host     = "${var.postgres_cluster_name}-rw.${var.namespace}.svc"
  postgres_jdbc_url = "jdbc:postgresql://${local.postgres_host}:5432/${var.postgres_database}"
}
