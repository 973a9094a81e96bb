output "releases" {
  description = "Installed operator releases: namespace, chart and chart version of each."
  value = {
    for key, release in {
      flink_operator = helm_release.flink_operator
      strimzi        = helm_release.strimzi
      cloudnative_pg = helm_release.cloudnative_pg
    } : key => { namespace = release.namespace, chart = release.chart, version = release.version }
  }
}
