package org.genvmimage.configure;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.cloudinit.CloudInitWatcher;

/**
 * The reset done by the guest itself as it powers off ({@code --reset guest}): a script part added
 * to the user data, and what the guest says on its console about it.
 *
 * <p>cloud-init runs the part in its final stage (module {@code scripts_user}; its file name sorts
 * before cloud-init's {@code part-NNN}, so it runs before the user's own scripts). The part writes
 * a systemd unit and a script to {@code /run} (a tmpfs: nothing of them stays in the image) and
 * starts the unit, which does nothing until it is stopped. The guest's shutdown stops it after
 * cloud-init's services, the network, SSH and the random seed service, and before the local file
 * systems are unmounted; stopping runs the script, which removes what makes one machine of this
 * image different from another:
 *
 * <ol>
 *   <li>cloud-init's instance state, its seed copy and its logs (what {@code cloud-init clean
 *       --logs --seed} removes: everything in {@code /var/lib/cloud}, {@code
 *       /var/log/cloud-init*.log});
 *   <li>the machine id: {@code /etc/machine-id} emptied (a new one is made at the next boot), a
 *       {@code /var/lib/dbus/machine-id} that is a file and not a link removed;
 *   <li>the SSH host keys ({@code /etc/ssh/ssh_host_*}; cloud-init makes new ones);
 *   <li>the systemd random seed and the older {@code /var/lib/urandom/random-seed};
 *   <li>DHCP client leases (dhclient, NetworkManager, dhcpcd);
 *   <li>shell history of root and the users in {@code /home};
 *   <li>the contents of {@code /tmp} and {@code /var/tmp};
 *   <li>{@code /etc/udev/rules.d/70-persistent-net.rules};
 *   <li>the persistent journal (journald is first moved to {@code /run}), which holds the output of
 *       cloud-init.
 * </ol>
 *
 * Then it flushes the file systems and prints {@code gen-vm-image-reset TOKEN: done ...} on the
 * console, or {@code ...: failed: WHAT}; TOKEN is new for every run, so no other text and no older
 * log can pass for it. Without the line the run fails and the image is left unchanged.
 */
final class GuestReset {
  /** The added part's file name; it sorts before cloud-init's own {@code part-001}. */
  static final String PART_NAME = "gen-vm-image-reset";

  private static final Pattern REPORT =
      Pattern.compile("gen-vm-image-reset ([0-9a-f]{32}): (installed|done|failed: .*)");
  private static final Pattern UPTIMES =
      Pattern.compile("done, uptime ([0-9]+(?:\\.[0-9]+)?) to ([0-9]+(?:\\.[0-9]+)?)");

  private final String token;

  GuestReset(String token) {
    this.token = token;
  }

  /** A reset with a new random token. */
  static GuestReset create() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return new GuestReset(HexFormat.of().formatHex(bytes));
  }

  String token() {
    return token;
  }

  /** The MIME boundary of the merged user data. */
  String boundary() {
    return "==gen-vm-image-" + token + "==";
  }

  /** What the guest reported on its console. */
  record Report(boolean installed, boolean done, String failure, Duration took) {
    /** Why the reset is not known to be done; empty when it is. */
    Optional<String> problem() {
      if (done && failure == null) {
        return Optional.empty();
      }
      if (failure != null) {
        return Optional.of("the in-guest reset failed: " + failure);
      }
      if (installed) {
        return Optional.of(
            "the in-guest reset was installed but did not report as the guest shut down (did the"
                + " guest power off through systemd?)");
      }
      return Optional.of(
          "the in-guest reset never ran: cloud-init did not run its script part (is the module"
              + " scripts_user enabled, and does the guest run systemd?)");
    }
  }

  /** Reads the guest's reports from the console log (the whole log, once the guest is off). */
  Report report(Path consoleLog) throws IOException {
    boolean installed = false;
    boolean done = false;
    String failure = null;
    Duration took = null;
    try (BufferedReader in = Files.newBufferedReader(consoleLog, StandardCharsets.ISO_8859_1)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (!line.contains("gen-vm-image-reset")) {
          continue;
        }
        String clean = CloudInitWatcher.clean(line);
        Matcher m = REPORT.matcher(clean);
        if (!m.find() || !m.group(1).equals(token)) {
          continue;
        }
        String what = m.group(2);
        if (what.equals("installed")) {
          installed = true;
        } else if (what.startsWith("failed: ")) {
          failure = what.substring("failed: ".length()).strip();
        } else {
          done = true;
          Matcher u = UPTIMES.matcher(clean);
          if (u.find()) {
            double seconds = Double.parseDouble(u.group(2)) - Double.parseDouble(u.group(1));
            took = Duration.ofMillis(Math.max(0, Math.round(seconds * 1000)));
          }
        }
      }
    }
    return new Report(installed, done, failure, took);
  }

  /** What the reset removes, one item each, for the plan. */
  static List<String> operations() {
    return List.of(
        "cloud-init-state",
        "cloud-init-logs",
        "machine-id",
        "ssh-hostkeys",
        "random-seed",
        "dhcp-leases",
        "shell-history",
        "tmp-files",
        "udev-persistent-net",
        "journal");
  }

  /** The script part that cloud-init runs in its final stage. */
  String part() {
    return INSTALLER.replace("@TOKEN@", token).replace("@RESET@", RESET.replace("@TOKEN@", token));
  }

  private static final String INSTALLER =
      """
      #!/bin/sh
      # Added by configure-vm-image (--reset guest). Installs a one-shot unit that
      # generalises this machine as it powers off, after cloud-init has finished.
      # Unit and script live in /run, so nothing of them stays in the image.
      marker='gen-vm-image-reset @TOKEN@'
      say() { echo "$marker: $*" >/dev/console 2>/dev/null || echo "$marker: $*" >&2; }
      if [ ! -d /run/systemd/system ] || ! command -v systemctl >/dev/null 2>&1; then
        say "failed: the guest does not run systemd (use --reset virt-sysprep)"
        exit 1
      fi
      # cloud-init runs this from <cloud_dir>/instance/scripts/.
      case $0 in
        */instance/scripts/*) cloud_dir=${0%/instance/scripts/*} ;;
        */instances/*/scripts/*) cloud_dir=${0%/instances/*/scripts/*} ;;
        *) cloud_dir=/var/lib/cloud ;;
      esac
      case $cloud_dir in /?*) ;; *) cloud_dir=/var/lib/cloud ;; esac
      umask 077
      mkdir -p /run/gen-vm-image-reset
      cat >/run/gen-vm-image-reset/reset.sh <<'RESET_EOF'
      @RESET@RESET_EOF
      cat >/run/systemd/system/gen-vm-image-reset.service <<UNIT_EOF
      [Unit]
      Description=Generalise this image as it powers off (configure-vm-image)
      DefaultDependencies=no
      After=local-fs.target
      Before=shutdown.target cloud-final.service cloud-config.service cloud-init.service
      Before=systemd-random-seed.service networking.service NetworkManager.service
      Before=systemd-networkd.service dhcpcd.service ssh.service sshd.service
      Before=cron.service rsyslog.service
      Conflicts=shutdown.target
      RequiresMountsFor=/etc /var/lib /var/log /var/tmp /tmp /root /home "$cloud_dir"

      [Service]
      Type=oneshot
      RemainAfterExit=yes
      ExecStart=/bin/true
      ExecStop=/bin/sh /run/gen-vm-image-reset/reset.sh "$cloud_dir"
      TimeoutStopSec=300
      UNIT_EOF
      chmod 0644 /run/systemd/system/gen-vm-image-reset.service
      if systemctl daemon-reload && systemctl start gen-vm-image-reset.service; then
        say installed
      else
        say "failed: systemd did not start the reset unit"
        exit 1
      fi
      """;

  private static final String RESET =
      """
      #!/bin/sh
      # configure-vm-image: generalises this machine; runs once, as it powers off.
      marker='gen-vm-image-reset @TOKEN@'
      cloud_dir=$1
      start=$(cut -d' ' -f1 /proc/uptime)
      failed=
      fail() { failed="$failed${failed:+, }$*"; }
      # cloud-init: instance state, seed copy, logs (as cloud-init clean --logs --seed)
      if [ -d "$cloud_dir" ]; then
        find "$cloud_dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || fail "$cloud_dir/*"
      fi
      rm -f /var/log/cloud-init.log /var/log/cloud-init-output.log \\
        /var/log/cloud-init.log.* /var/log/cloud-init-output.log.* || fail "/var/log/cloud-init*.log"
      # machine id: empty, so that the next boot makes a new one
      if [ -e /etc/machine-id ]; then
        if grep -qs ' /etc/machine-id ' /proc/self/mountinfo; then
          umount /etc/machine-id || fail "umount /etc/machine-id"
        fi
        : >/etc/machine-id || fail /etc/machine-id
      fi
      if [ -f /var/lib/dbus/machine-id ] && [ ! -L /var/lib/dbus/machine-id ]; then
        rm -f /var/lib/dbus/machine-id || fail /var/lib/dbus/machine-id
      fi
      rm -f /etc/ssh/ssh_host_* || fail "/etc/ssh/ssh_host_*"
      rm -f /var/lib/systemd/random-seed /var/lib/urandom/random-seed || fail "random seed"
      rm -f /var/lib/dhcp/*.leases /var/lib/dhcp/*.lease /var/lib/dhclient/*.lease \\
        /var/lib/dhclient/*.leases /var/lib/NetworkManager/*.lease /var/lib/dhcpcd/*.lease \\
        /var/lib/dhcpcd5/*.lease || fail "DHCP leases"
      for home in /root /home/*; do
        [ -d "$home" ] || continue
        rm -f "$home/.bash_history" "$home/.sh_history" "$home/.zsh_history" \\
          "$home/.ash_history" "$home/.history" "$home/.local/share/fish/fish_history" \\
          || fail "$home shell history"
      done
      for dir in /tmp /var/tmp; do
        if [ -d "$dir" ]; then
          find "$dir" -xdev -mindepth 1 -delete || fail "$dir/*"
        fi
      done
      rm -f /etc/udev/rules.d/70-persistent-net.rules || fail 70-persistent-net.rules
      if [ -d /var/log/journal ]; then
        journalctl --relinquish-var >/dev/null 2>&1
        find /var/log/journal -mindepth 1 -delete || fail "/var/log/journal/*"
      fi
      sync
      if [ -n "$failed" ]; then
        echo "$marker: failed: could not remove $failed" >/dev/console
        exit 1
      fi
      echo "$marker: done, uptime $start to $(cut -d' ' -f1 /proc/uptime)" >/dev/console
      """;
}
