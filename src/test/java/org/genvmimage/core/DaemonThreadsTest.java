package org.genvmimage.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DaemonThreadsTest {
  @Test
  void theFactoryNumbersItsThreadsFromOne() {
    ThreadFactory factory = DaemonThreads.factory("build");

    Thread one = factory.newThread(() -> {});
    Thread two = factory.newThread(() -> {});

    assertThat(one.getName()).isEqualTo("build-1");
    assertThat(two.getName()).isEqualTo("build-2");
    assertThat(one.isDaemon()).isTrue();
    assertThat(two.isDaemon()).isTrue();
    assertThat(DaemonThreads.factory("build").newThread(() -> {}).getName()).isEqualTo("build-1");
  }

  @Test
  void aNamedFactoryGivesEveryThreadTheName() {
    ThreadFactory factory = DaemonThreads.named("console-progress");

    assertThat(factory.newThread(() -> {}).getName()).isEqualTo("console-progress");
    assertThat(factory.newThread(() -> {}).getName()).isEqualTo("console-progress");
    assertThat(factory.newThread(() -> {}).isDaemon()).isTrue();
  }

  @Test
  void createLeavesTheThreadUnstartedAndStartStartsIt() throws Exception {
    Thread created = DaemonThreads.create("later", () -> {});
    assertThat(created.getState()).isEqualTo(Thread.State.NEW);
    assertThat(created.isDaemon()).isTrue();

    CountDownLatch ran = new CountDownLatch(1);
    Thread started = DaemonThreads.start("now", ran::countDown);

    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(started.getName()).isEqualTo("now");
    assertThat(started.isDaemon()).isTrue();
  }
}
