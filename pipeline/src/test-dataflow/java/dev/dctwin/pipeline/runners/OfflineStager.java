package dev.dctwin.pipeline.runners;

import com.google.api.services.dataflow.model.DataflowPackage;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.dataflow.options.DataflowPipelineOptions;
import org.apache.beam.runners.dataflow.util.PackageUtil;
import org.apache.beam.runners.dataflow.util.Stager;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * A Dataflow {@link Stager} that uploads nothing and answers with the locations GcsStager would
 * use: lets {@code DataflowRunner.run} translate a pipeline into a job specification without Cloud
 * Storage or credentials. Selected with {@code --stagerClass}, created through {@code fromOptions}
 * like Beam's own stagers.
 */
public final class OfflineStager implements Stager {
  private final String stagingLocation;

  private OfflineStager(String stagingLocation) {
    this.stagingLocation = stagingLocation.endsWith("/") ? stagingLocation : stagingLocation + "/";
  }

  public static OfflineStager fromOptions(PipelineOptions options) {
    return new OfflineStager(options.as(DataflowPipelineOptions.class).getStagingLocation());
  }

  @Override
  public List<DataflowPackage> stageFiles(List<PackageUtil.StagedFile> filesToStage) {
    List<DataflowPackage> packages = new ArrayList<>();
    for (PackageUtil.StagedFile file : filesToStage) {
      packages.add(
          new DataflowPackage()
              .setName(file.getDestination())
              .setLocation(stagingLocation + file.getDestination()));
    }
    return packages;
  }

  @Override
  public DataflowPackage stageToFile(byte[] bytes, String baseName) {
    return new DataflowPackage().setName(baseName).setLocation(stagingLocation + baseName);
  }
}
