package org.genvmimage.configure;

import java.io.IOException;
import org.genvmimage.step.Step;

/**
 * A step of configure-vm-image. A dry run asks every step for its {@link #plan}, which makes the
 * same checks and computes the same values as {@link #run} (with the same methods) and writes,
 * locks and starts nothing; the plan is read from the context afterwards.
 */
interface ConfigureStep extends Step<ConfigureRun> {
  /** Records in the context what {@link #run} would do; by default nothing. */
  default void plan(ConfigureRun run) throws IOException {}
}
