package dev.dctwin.pipeline.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.hasItems;

import dev.dctwin.pipeline.DatacenterPipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.reflect.DoFnSignature;
import org.apache.beam.sdk.transforms.reflect.DoFnSignatures;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Nothing in the datacenter pipeline depends on a runner feature that Dataflow lacks: every
 * stateful DoFn of the graph that {@code DatacenterPipeline.start} builds keeps its state in
 * ValueState, MapState, BagState or CombiningState (no OrderedListState, no MultimapState, no
 * SetState, which Dataflow supports only partly or not in streaming) and none asks for
 * {@code @RequiresTimeSortedInput} (Dataflow rejects it). Runs in every build; the translation by
 * the DataflowRunner itself is {@code DataflowTranslationIT} of the {@code dataflow-runner}
 * profile.
 *
 * <p>The graph is captured by {@link CapturingRunner} instead of being run. Building it checks its
 * services first (Kafka topics, the database schema): see {@link DataflowTestServices}.
 */
@RunWith(JUnit4.class)
public class DataflowCompatibilityTest {
  /** State that every Dataflow streaming backend (Runner v1 and v2, Streaming Engine) supports. */
  private static final Set<Class<?>> PORTABLE_STATE =
      Set.of(ValueState.class, MapState.class, BagState.class, CombiningState.class);

  private static DataflowTestServices services;

  @BeforeClass
  public static void startServices() throws Exception {
    services = DataflowTestServices.start("DataflowCompatibilityTest");
  }

  @AfterClass
  public static void stopServices() {
    if (services != null) {
      services.close();
    }
  }

  @Test
  public void everyStatefulDoFnUsesOnlyStateAndTimersThatDataflowSupports() {
    List<String> flags = new ArrayList<>(List.of("--runner=" + CapturingRunner.class.getName()));
    flags.addAll(services.pipelineFlags());
    // The exactly-once Kafka sink (KafkaTransactionalSink: ValueState and BagState, and
    // @RequiresStableInput, which Dataflow supports) is part of the graph Dataflow would run.
    flags.add("--kafkaDelivery=EXACTLY_ONCE");
    PipelineOptionsFactory.register(DatacenterPipeline.Options.class);
    DatacenterPipeline.start(
        PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new))
            .withValidation()
            .as(DatacenterPipeline.Options.class));
    Pipeline pipeline = CapturingRunner.last();

    List<String> problems = new ArrayList<>();
    Set<String> statefulDoFns = new TreeSet<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            DoFn<?, ?> fn = doFnOf(node.getTransform());
            if (fn == null) {
              return;
            }
            DoFnSignature signature = DoFnSignatures.getSignature(fn.getClass());
            String name = node.getFullName();
            if (!signature.stateDeclarations().isEmpty() || signature.usesTimers()) {
              statefulDoFns.add(name);
            }
            signature
                .stateDeclarations()
                .forEach(
                    (id, state) -> {
                      Class<?> type = state.stateType().getRawType();
                      if (!PORTABLE_STATE.contains(type)) {
                        problems.add(name + ": state '" + id + "' is a " + type.getSimpleName());
                      }
                    });
            if (signature.processElement().requiresTimeSortedInput()) {
              problems.add(name + ": @RequiresTimeSortedInput");
            }
          }
        });

    assertThat(
        "the twins and the exactly-once Kafka sink are stateful DoFns",
        statefulDoFns,
        hasItems(
            "Twins/ServerTwins",
            "Twins/RackTwins",
            "Twins/DataCenterTwins",
            "AlertsToKafka/WriteKafka/Sequence/ParMultiDo(Sequence)",
            "AlertsToKafka/WriteKafka/Write/ParMultiDo(Write)"));
    assertThat("state or ordering Dataflow does not support", problems, empty());
  }

  private static DoFn<?, ?> doFnOf(PTransform<?, ?> transform) {
    if (transform instanceof ParDo.MultiOutput<?, ?> multi) {
      return multi.getFn();
    }
    if (transform instanceof ParDo.SingleOutput<?, ?> single) {
      return single.getFn();
    }
    return null;
  }
}
