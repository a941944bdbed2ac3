package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.qemu.Accelerator;

/**
 * Everything one configure run is told.
 *
 * @param vendorDataRequired whether a missing vendor-data file is an error (else it is left out)
 * @param networkConfig null to leave network-config out of the seed
 * @param cpuModelExplicit whether the user chose the CPU model (else 'host' becomes 'max' under
 *     TCG)
 * @param finishedPattern null for cloud-init's own final message
 * @param resetOperations null for virt-sysprep's defaults
 */
public record ConfigureSettings(
    Path image,
    Path qmpSocket,
    Path userData,
    Path metaData,
    Path vendorData,
    boolean vendorDataRequired,
    Path networkConfig,
    Path seedOutput,
    Path serialLog,
    String cpuModel,
    boolean cpuModelExplicit,
    Accelerator accelerator,
    int memoryMib,
    int cpus,
    boolean networking,
    Duration timeout,
    String finishedPattern,
    boolean reset,
    String resetOperations) {}
