package dev.dctwin.domain;

/**
 * Disk activity summed over the server's disks (collectd {@code disk} plugin): {@code ioTime} and
 * {@code weightedIoTime} in milliseconds spent doing I/O per second (so 1000 means the device was
 * busy all the time), merged operations, octets and operations per second, and the average time per
 * read and per write operation in milliseconds. {@code failedDevices} counts devices the kernel
 * reports as failed (a gauge).
 */
public record DiskMetrics(
    double ioTime,
    double weightedIoTime,
    double mergedRead,
    double mergedWrite,
    double octetsRead,
    double octetsWrite,
    double opsRead,
    double opsWrite,
    double timeRead,
    double timeWrite,
    double failedDevices) {

  /** The same activity with {@code failed} devices reported as failed. */
  public DiskMetrics withFailedDevices(double failed) {
    return new DiskMetrics(
        ioTime,
        weightedIoTime,
        mergedRead,
        mergedWrite,
        octetsRead,
        octetsWrite,
        opsRead,
        opsWrite,
        timeRead,
        timeWrite,
        failed);
  }
}
