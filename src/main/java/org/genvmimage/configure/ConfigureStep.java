package org.genvmimage.configure;

import org.genvmimage.step.Step;

/**
 * A step of configure-vm-image. A dry run asks every step for its {@link Step#plan}, which makes
 * the same checks and computes the same values as {@link Step#run} (with the same methods) and
 * writes, locks and starts nothing; the plan is read from the context afterwards.
 */
interface ConfigureStep extends Step<ConfigureRun> {}
