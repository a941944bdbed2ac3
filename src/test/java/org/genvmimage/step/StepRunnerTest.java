package org.genvmimage.step;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepRunnerTest {
  static final class Ctx implements StepRunner.Stoppable {
    final List<String> log = new ArrayList<>();
    boolean stop;

    @Override
    public boolean stopped() {
      return stop;
    }
  }

  record Recording(String name, boolean fail, boolean stopAfter) implements Step<Ctx> {
    @Override
    public void run(Ctx c) {
      c.log.add("run " + name);
      if (fail) {
        throw new IllegalStateException(name + " failed");
      }
      c.stop = stopAfter;
    }

    @Override
    public void cleanup(Ctx c) {
      c.log.add("cleanup " + name);
    }
  }

  @Test
  void runsAllStepsInOrderWithoutCleanupOnSuccess() throws Exception {
    Ctx c = new Ctx();
    StepRunner.run(List.of(new Recording("a", false, false), new Recording("b", false, false)), c);
    assertThat(c.log).containsExactly("run a", "run b");
  }

  @Test
  void cleansUpStartedStepsInReverseOnFailure() {
    Ctx c = new Ctx();
    List<Recording> steps =
        List.of(
            new Recording("a", false, false),
            new Recording("b", false, false),
            new Recording("c", true, false),
            new Recording("d", false, false));
    assertThatThrownBy(() -> StepRunner.run(steps, c)).hasMessage("c failed");
    assertThat(c.log)
        .containsExactly("run a", "run b", "run c", "cleanup c", "cleanup b", "cleanup a");
  }

  @Test
  void aStepCanEndTheRunEarly() throws Exception {
    Ctx c = new Ctx();
    StepRunner.run(List.of(new Recording("a", false, true), new Recording("b", false, false)), c);
    assertThat(c.log).containsExactly("run a");
  }

  @Test
  void anInterruptedThreadStopsBeforeTheNextStepAndCleansUp() {
    Ctx c = new Ctx();
    Step<Ctx> interrupting =
        new Step<>() {
          @Override
          public String name() {
            return "interrupting";
          }

          @Override
          public void run(Ctx ctx) {
            ctx.log.add("run interrupting");
            Thread.currentThread().interrupt();
          }

          @Override
          public void cleanup(Ctx ctx) {
            ctx.log.add(
                "cleanup interrupting, interrupted=" + Thread.currentThread().isInterrupted());
          }
        };
    try {
      assertThatThrownBy(
              () -> StepRunner.run(List.of(interrupting, new Recording("b", false, false)), c))
          .isInstanceOf(InterruptedException.class);
      assertThat(c.log)
          .containsExactly("run interrupting", "cleanup interrupting, interrupted=false");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
