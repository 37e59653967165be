package dev.tcplat.exporter.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The startup check that the shim and the jar come from one build; no kernel needed. */
class ShimAbiTest {
    @Test
    void aShimOfThisBuildIsAccepted() {
        assertThatCode(() -> ShimAbi.requireSameAsJar(
                new ShimAbi(TcplatAbi.ABI_HASH, TcplatAbi.TCPLAT_ABI_VERSION, TcplatAbi.SIZEOF_TCPLAT_EVENT)))
                .doesNotThrowAnyException();
    }

    @Test
    void aStaleShimIsRefusedEvenWithTheSameVersionAndEventSize() {
        // e.g. two fields of one size swapped, or an enum renumbered, without a version bump
        ShimAbi stale = new ShimAbi(TcplatAbi.ABI_HASH ^ 1, TcplatAbi.TCPLAT_ABI_VERSION, TcplatAbi.SIZEOF_TCPLAT_EVENT);

        assertThatThrownBy(() -> ShimAbi.requireSameAsJar(stale))
                .isInstanceOf(ProbeException.class)
                .hasMessageContaining("libtcplat.so and this jar come from different builds")
                .hasMessageContaining(String.format("%016x", TcplatAbi.ABI_HASH ^ 1))
                .hasMessageContaining(String.format("%016x", TcplatAbi.ABI_HASH))
                .hasMessageNotContaining("\n");
    }

    @Test
    void aShimOlderThanTheHashIsNamedAnotherBuild() {
        // JNA's words when a directly mapped function is missing from the library
        UnsatisfiedLinkError missing = new UnsatisfiedLinkError(
                "Error looking up function 'tcplat_abi_hash': libtcplat.so: undefined symbol: tcplat_abi_hash");

        assertThat(ShimAbi.loadFailure(missing))
                .hasMessage("libtcplat.so and this jar come from different builds (the shim predates the ABI hash):"
                        + " rebuild both from one source");
    }

    @Test
    void aShimThatDoesNotLoadIsNotBlamedOnTheBuild() {
        assertThat(ShimAbi.loadFailure(new UnsatisfiedLinkError("libelf.so.1: cannot open shared object file")))
                .hasMessageStartingWith("cannot load the native shim libtcplat.so (libelf.so.1: cannot open")
                .hasMessageNotContaining("different builds");
    }

    @Test
    void theShimBuiltWithThisJarPassesTheStartupCheck() {
        assertThatCode(Probe::checkShim).doesNotThrowAnyException();
    }

    @Test
    void theShimReportsTheHashGeneratedForJava() {
        assertThat(TcplatNative.tcplat_abi_hash()).isEqualTo(TcplatAbi.ABI_HASH);
    }

    @Test
    void everyProgramOfTheShimHasOneVariant() {
        int[] values = Arrays.stream(ProgramVariant.values()).mapToInt(v -> v.nativeValue).sorted().toArray();

        // the shim indexes its program table with these values: 0 .. count - 1, each once
        assertThat(values).containsExactly(IntStream.range(0, TcplatAbi.TCPLAT_PROG__COUNT).toArray());
    }

    @Test
    void attachModesRoundTripThroughTheirNativeValues() {
        for (AttachMode mode : AttachMode.values()) {
            assertThat(AttachMode.fromNative(mode.nativeValue)).isEqualTo(mode);
        }
    }
}
