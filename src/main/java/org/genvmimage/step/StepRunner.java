package org.genvmimage.step;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps in order; when one fails (or the thread is interrupted), cleans up every started step
 * in reverse order and rethrows the failure. Plans them the same way, for a dry run.
 */
public final class StepRunner {
  private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

  /** A step may end the run early, successfully (e.g. "already up to date"). */
  public interface Stoppable {
    boolean stopped();
  }

  private StepRunner() {}

  public static <C extends Stoppable> void run(List<? extends Step<C>> steps, C context)
      throws Exception {
    Deque<Step<C>> started = new ArrayDeque<>();
    try {
      for (Step<C> step : steps) {
        if (context.stopped()) {
          return;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedException("interrupted before " + step.name());
        }
        started.push(step);
        LOG.debug("step {}", step.name());
        step.run(context);
      }
    } catch (Exception | Error e) {
      // Clear the interrupt flag while cleaning up so that cleanup's own I/O is not cut short.
      boolean interrupted = Thread.interrupted();
      while (!started.isEmpty()) {
        Step<C> step = started.pop();
        try {
          step.cleanup(context);
        } catch (RuntimeException cleanupFailure) {
          e.addSuppressed(cleanupFailure);
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /**
   * Asks each step in order for its plan ({@link Step#plan}), until one stops the build (e.g. the
   * output is up to date) or fails. Nothing is cleaned up: planning changes nothing.
   */
  public static <C extends Stoppable> void plan(List<? extends Step<C>> steps, C context)
      throws Exception {
    for (Step<C> step : steps) {
      if (context.stopped()) {
        return;
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("interrupted before planning " + step.name());
      }
      LOG.debug("plan {}", step.name());
      step.plan(context);
    }
  }
}
