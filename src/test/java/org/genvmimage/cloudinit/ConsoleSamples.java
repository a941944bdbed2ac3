package org.genvmimage.cloudinit;

/**
 * Serial console excerpts as cloud images print them on first boot with a NoCloud seed (shortened:
 * most kernel and systemd lines are left out). Lines end with {@code \r\n}, as on a serial port.
 */
final class ConsoleSamples {
  private ConsoleSamples() {}

  private static String serial(String text) {
    return text.replace("\n", "\r\n");
  }

  /** Debian 12 genericcloud, cloud-init 22.4.2: coloured systemd status, a failing runcmd. */
  static final String DEBIAN_12 =
      serial(
          """
          [    0.000000] Linux version 6.1.0-13-cloud-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)
          [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-cloud-amd64 root=PARTUUID=1e0b5e2b-5f0e-4cd6-a4ad-bd4e0b4a1a01 ro console=tty0 console=ttyS0,115200 earlyprintk=ttyS0,115200 consoleblank=0
          [\033[0;32m  OK  \033[0m] Started \033[0;1;39msystemd-journald.service\033[0m - Journal Service.
                   Starting \033[0;1;39mcloud-init-local.service\033[0m - Initial cloud-init job (pre-networking)...
          [    5.612345] cloud-init[245]: Cloud-init v. 22.4.2 running 'init-local' at Tue, 21 Nov 2023 09:59:05 +0000. Up 5.58 seconds.
          [\033[0;32m  OK  \033[0m] Finished \033[0;1;39mcloud-init-local.service\033[0m - Initial cloud-init job (pre-networking).
                   Starting \033[0;1;39mcloud-init.service\033[0m - Initial cloud-init job (metadata service crawler)...
          [    7.901234] cloud-init[310]: Cloud-init v. 22.4.2 running 'init' at Tue, 21 Nov 2023 09:59:07 +0000. Up 7.87 seconds.
          [    7.950000] cloud-init[310]: ci-info: ++++++++++++++++++++++++++++++++++++++Net device info+++++++++++++++++++++++++++++++++++++++
          [    7.950100] cloud-init[310]: ci-info: +--------+-------+-----------+-----------+-------+-------------------+
          [    7.950200] cloud-init[310]: ci-info: | Device |   Up  |  Address  |    Mask   | Scope |     Hw-Address    |
          [    8.400000] cloud-init[310]: Generating public/private rsa key pair.
          [\033[0;32m  OK  \033[0m] Finished \033[0;1;39mcloud-init.service\033[0m - Initial cloud-init job (metadata service crawler).
          [\033[0;32m  OK  \033[0m] Reached target \033[0;1;39mcloud-config.target\033[0m - Cloud-config availability.
                   Starting \033[0;1;39mcloud-config.service\033[0m - Apply the settings specified in cloud-config...
          [   10.200000] cloud-init[512]: Cloud-init v. 22.4.2 running 'modules:config' at Tue, 21 Nov 2023 09:59:10 +0000. Up 10.15 seconds.
          [\033[0;32m  OK  \033[0m] Finished \033[0;1;39mcloud-config.service\033[0m - Apply the settings specified in cloud-config.
                   Starting \033[0;1;39mcloud-final.service\033[0m - Execute cloud user/final scripts...
          [   70.100000] cloud-init[600]: Cloud-init v. 22.4.2 running 'modules:final' at Tue, 21 Nov 2023 10:00:00 +0000. Up 70.05 seconds.
          [   71.700000] cloud-init[600]: /var/lib/cloud/instance/scripts/runcmd: 2: no-such-command: not found
          [   71.800000] cloud-init[600]: 2023-11-21 10:00:01,700 - cc_scripts_user.py[WARNING]: Failed to run module scripts-user (scripts in /var/lib/cloud/instance/scripts)
          [   71.800100] cloud-init[600]: 2023-11-21 10:00:01,701 - util.py[WARNING]: Running module scripts-user (<module 'cloudinit.config.cc_scripts_user' from '/usr/lib/python3/dist-packages/cloudinit/config/cc_scripts_user.py'>) failed

          Debian GNU/Linux 12 debian ttyS0

          debian login: [   71.900000] cloud-init[600]: Cloud-init v. 22.4.2 finished at Tue, 21 Nov 2023 10:00:01 +0000. Datasource DataSourceNoCloud [seed=/dev/sr0][dsmode=net].  Up 71.83 seconds
          [\033[0;1;31mFAILED\033[0m] Failed to start \033[0;1;39mcloud-final.service\033[0m - Execute cloud user/final scripts.
          """);

  /** Ubuntu 24.04, cloud-init 24.1.3-0ubuntu3: a schema warning and a deprecation. */
  static final String UBUNTU_24 =
      serial(
          """
          [    9.331186] cloud-init[567]: Cloud-init v. 24.1.3-0ubuntu3 running 'init-local' at Mon, 10 Jun 2024 12:00:01 +0000. Up 9.27 seconds.
          [   12.104201] cloud-init[700]: Cloud-init v. 24.1.3-0ubuntu3 running 'init' at Mon, 10 Jun 2024 12:00:04 +0000. Up 12.05 seconds.
          [   12.210000] cloud-init[700]: ci-info: no authorized SSH keys fingerprints found for user ubuntu.
          [   15.010000] cloud-init[800]: Cloud-init v. 24.1.3-0ubuntu3 running 'modules:config' at Mon, 10 Jun 2024 12:00:07 +0000. Up 14.96 seconds.
          [   15.020000] cloud-init[800]: 2024-06-10 12:00:07,120 - schema.py[WARNING]: Invalid cloud-config provided: Please run 'sudo cloud-init schema --system' to see the schema errors.
          [   18.000000] cloud-init[850]: Cloud-init v. 24.1.3-0ubuntu3 running 'modules:final' at Mon, 10 Jun 2024 12:00:10 +0000. Up 17.95 seconds.
          [   18.100000] cloud-init[850]: 2024-06-10 12:00:10,200 - lifecycle.py[DEPRECATED]: Config key 'lists' is deprecated in 22.3 and scheduled to be removed in 27.3. Use 'groups' instead.
          <14>Jun 10 12:00:11 cloud-init: #############################################################
          <14>Jun 10 12:00:11 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----
          <14>Jun 10 12:00:11 cloud-init: 256 SHA256:3b7Yc1n2T3s4u5v6w7x8y9z0AbCdEfGhIjKlMnOpQrS root@ubuntu (ECDSA)
          <14>Jun 10 12:00:11 cloud-init: -----END SSH HOST KEY FINGERPRINTS-----
          [   19.800000] cloud-init[850]: Cloud-init v. 24.1.3-0ubuntu3 finished at Mon, 10 Jun 2024 12:00:11 +0000. Datasource DataSourceNoCloud [seed=/dev/sr0].  Up 19.75 seconds
          """);

  /** Ubuntu 23.10, cloud-init 23.3.3: without kernel timestamps, a clean run. */
  static final String UBUNTU_23 =
      serial(
          """
          cloud-init[612]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 running 'init-local' at Wed, 13 Dec 2023 08:15:02 +0000. Up 4.12 seconds.
          cloud-init[690]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 running 'init' at Wed, 13 Dec 2023 08:15:04 +0000. Up 6.40 seconds.
          cloud-init[790]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 running 'modules:config' at Wed, 13 Dec 2023 08:15:07 +0000. Up 9.01 seconds.
          cloud-init[820]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 running 'modules:final' at Wed, 13 Dec 2023 08:15:08 +0000. Up 10.22 seconds.
          cloud-init[820]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 finished at Wed, 13 Dec 2023 08:15:09 +0000. Datasource DataSourceNoCloud [seed=/dev/sr0][dsmode=net].  Up 11.30 seconds
          """);

  /** A guest whose kernel cannot mount its root file system. */
  static final String KERNEL_PANIC =
      serial(
          """
          [    2.113508] VFS: Cannot open root device "vda1" or unknown-block(0,0): error -6
          [    2.114012] Please append a correct "root=" boot option; here are the available partitions:
          [    2.114980] Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)
          [    2.115630] ---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---
          """);
}
