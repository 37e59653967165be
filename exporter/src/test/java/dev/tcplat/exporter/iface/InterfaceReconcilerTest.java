package dev.tcplat.exporter.iface;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.ProbeException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's rules, driven turn by turn against a pretend namespace and probe with a clock
 * the test moves: what it attaches, releases and retries, and what it reports.
 */
class InterfaceReconcilerTest {
    private static final Link LO = new Link(1, "lo", true, true);
    private static final Link ETH0 = new Link(2, "eth0", true, false);
    private static final Link ETH1 = new Link(3, "eth1", true, false);
    private static final Link WG0_DOWN = new Link(4, "wg0", false, false);

    private final RecordingAttacher attacher = new RecordingAttacher();
    private final FakeLinks links = new FakeLinks(LO, ETH0, ETH1, WG0_DOWN);
    private long nanos = 1_000_000_000L;
    private InterfaceReconciler reconciler;

    @AfterEach
    void close() {
        if (reconciler != null) {
            reconciler.close();
        }
    }

    private InterfaceReconciler started(AttachMode requested, String... selections) throws ProbeException {
        reconciler = new InterfaceReconciler(attacher, links, InterfaceSelector.of(List.of(selections), List.of()),
                requested, () -> nanos);
        reconciler.attachSelected();
        return reconciler;
    }

    private InterfaceReconciler started(String... selections) throws ProbeException {
        return started(AttachMode.AUTO, selections);
    }

    private void advance(Duration by) {
        nanos += by.toNanos();
    }

    private static InterfaceAttachment attached(String name, String mode) {
        return new InterfaceAttachment(name, mode, true);
    }

    private static InterfaceAttachment notAttached(String name, String mode) {
        return new InterfaceAttachment(name, mode, false);
    }

    @Test
    void startAttachesEverySelectedInterfaceAndReportsItsMode() throws ProbeException {
        started("eth*", "wg0");

        assertThat(attacher.takeCalls()).containsExactly("attach eth0#2", "attach eth1#3", "attach wg0#4");
        assertThat(reconciler.attachments()).containsExactly(
                attached("eth0", "tcx"), attached("eth1", "tcx"), attached("wg0", "tcx"));
    }

    @Test
    void theModeReportedIsTheOneTheProbeUsed() throws ProbeException {
        attacher.answerAutoWith(AttachMode.TC);
        started("eth0");

        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tc"));
    }

    @Test
    void anInterfaceThatAppearsIsAttachedOnTheNotification() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.change(new Link(9, "eth2", false, false));
        assertThat(reconciler.followOnce()).isTrue();

        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9");
        assertThat(reconciler.attachments()).contains(attached("eth2", "tcx"));
    }

    @Test
    void nothingHappensWithoutAChange() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        assertThat(reconciler.followOnce()).isTrue();
        links.announce();
        assertThat(reconciler.followOnce()).isTrue();

        assertThat(attacher.takeCalls()).isEmpty();
    }

    @Test
    void aVanishedInterfaceIsReleased() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.remove(ETH1.index());
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).containsExactly("detach eth1#3");
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"));
    }

    @Test
    void anInterfaceReCreatedUnderItsNameIsAttachedAgainByItsNewIndex() throws ProbeException {
        started("eth0");
        attacher.takeCalls();

        links.remove(ETH0.index());
        links.change(new Link(12, "eth0", true, false));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).containsExactly("detach eth0#2", "attach eth0#12");
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"));
    }

    @Test
    void aRenamedInterfaceStaysAttachedWhileItsNewNameIsSelected() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.change(new Link(ETH1.index(), "eth7", true, false));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).isEmpty();
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"), attached("eth7", "tcx"));
    }

    @Test
    void aRenamedInterfaceIsReleasedUnderItsOldNameWhenItsNewOneIsNotSelected() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.change(new Link(ETH1.index(), "wan0", true, false));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).containsExactly("detach eth1#3");
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"));
    }

    @Test
    void underAllAnInterfaceIsReleasedWhenItGoesDownAndAttachedWhenItComesUp() throws ProbeException {
        started("all");
        assertThat(attacher.takeCalls()).containsExactly("attach eth0#2", "attach eth1#3");

        links.change(new Link(ETH1.index(), "eth1", false, false));
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).containsExactly("detach eth1#3");

        links.change(ETH1);
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).containsExactly("attach eth1#3");
    }

    @Test
    void underAPatternAnInterfaceGoingDownStaysAttached() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.change(new Link(ETH1.index(), "eth1", false, false));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).isEmpty();
    }

    @Test
    void aNamedInterfaceThatIsMissingIsReportedWithNoModeAndAttachedWhenItAppears() throws ProbeException {
        started(AttachMode.TCX, "eth0", "vpn0");
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"), notAttached("vpn0", ""));

        links.change(new Link(20, "vpn0", false, false));
        reconciler.followOnce();

        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"), attached("vpn0", "tcx"));
    }

    @Test
    void aNamedInterfaceThatVanishesIsReleasedAndReportedMissing() throws ProbeException {
        started("eth0");

        links.remove(ETH0.index());
        reconciler.followOnce();

        assertThat(reconciler.attachments()).containsExactly(notAttached("eth0", ""));
    }

    @Test
    void atStartAnInterfaceThatCannotBeAttachedFailsTheStartAndReleasesTheOthers() {
        attacher.failAttaching(ETH1.index(), "another filter holds that priority");
        reconciler = new InterfaceReconciler(attacher, links, InterfaceSelector.of(List.of("eth*"), List.of()),
                AttachMode.AUTO, () -> nanos);

        assertThatThrownBy(reconciler::attachSelected).isInstanceOf(ProbeException.class)
                .hasMessage("cannot attach to interface eth1: another filter holds that priority");

        assertThat(attacher.takeCalls()).containsExactly("attach eth0#2", "attach eth1#3", "detach eth0#2");
        assertThat(links.closed()).as("the watch is closed").isTrue();
        assertThat(reconciler.attachments()).isEmpty();
    }

    @Test
    void laterAFailedAttachmentIsReportedAndRetriedAfter1Then2Then4SecondsUpToEveryMinute()
            throws ProbeException {
        started("eth*");
        attacher.takeCalls();
        attacher.failAttaching(9, "busy");

        links.change(new Link(9, "eth2", true, false));
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9");
        assertThat(reconciler.attachments()).contains(notAttached("eth2", ""));

        for (int seconds : new int[] {1, 2, 4, 8, 16, 32, 60, 60}) {
            advance(Duration.ofSeconds(seconds).minusMillis(1));
            reconciler.followOnce();
            assertThat(attacher.takeCalls()).as("%d ms after the last attempt", seconds * 1000 - 1).isEmpty();

            advance(Duration.ofMillis(1));
            reconciler.followOnce();
            assertThat(attacher.takeCalls()).as("%d s after the last attempt", seconds)
                    .containsExactly("attach eth2#9");
        }

        attacher.stopFailing(9);
        advance(Duration.ofSeconds(60));
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9");
        assertThat(reconciler.attachments()).contains(attached("eth2", "tcx")).doesNotContain(notAttached("eth2", ""));
    }

    @Test
    void aChangeDoesNotHurryARetry() throws ProbeException {
        started("eth*");
        attacher.takeCalls();
        attacher.failAttaching(9, "busy");
        links.change(new Link(9, "eth2", true, false));
        reconciler.followOnce();
        attacher.takeCalls();

        links.change(new Link(10, "eth3", true, false));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).containsExactly("attach eth3#10");
    }

    @Test
    void aFailedAttachmentReportsTheModeItTriedWhenOneWasForced() throws ProbeException {
        started(AttachMode.TC, "eth*");
        attacher.failAttaching(9, "busy");

        links.change(new Link(9, "eth2", true, false));
        reconciler.followOnce();

        assertThat(reconciler.attachments()).contains(attached("eth0", "tc"), notAttached("eth2", "tc"));
    }

    @Test
    void aFailedInterfaceThatVanishesIsNoLongerReportedOrRetried() throws ProbeException {
        started("eth*");
        attacher.failAttaching(9, "busy");
        links.change(new Link(9, "eth2", true, false));
        reconciler.followOnce();
        attacher.takeCalls();

        links.remove(9);
        reconciler.followOnce();
        advance(Duration.ofSeconds(120));
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).isEmpty();
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"), attached("eth1", "tcx"));
    }

    @Test
    void aLostNotificationIsMadeUpForByThePassEveryTenSeconds() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.changeSilently(new Link(9, "eth2", true, false));
        advance(Duration.ofSeconds(InterfaceReconciler.FULL_PASS_SECONDS).minusMillis(1));
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).isEmpty();

        advance(Duration.ofMillis(1));
        reconciler.followOnce();
        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9");
    }

    @Test
    void aFailingListIsSurvivedAndTheNextChangeIsActedOn() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        links.failNextList("cannot list interfaces: no buffer space");
        links.change(new Link(9, "eth2", true, false));
        assertThat(reconciler.followOnce()).isFalse();
        assertThat(attacher.takeCalls()).isEmpty();

        links.announce();
        assertThat(reconciler.followOnce()).isTrue();
        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9");
    }

    @Test
    void aDetachThatFailsStillLetsTheInterfaceGo() throws ProbeException {
        started("eth*");
        attacher.takeCalls();
        attacher.failDetaching();

        links.remove(ETH1.index());
        reconciler.followOnce();
        links.announce();
        reconciler.followOnce();

        assertThat(attacher.takeCalls()).containsExactly("detach eth1#3");
        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"));
    }

    @Test
    void closeDetachesEverythingOnceAndStopsListening() throws ProbeException {
        started("eth*");
        attacher.takeCalls();

        reconciler.close();
        reconciler.close();

        assertThat(attacher.takeCalls()).containsExactly("detach eth0#2", "detach eth1#3");
        assertThat(links.closed()).isTrue();
        assertThat(reconciler.attachments()).isEmpty();
    }

    @Test
    void startFollowsChangesOnItsOwnThread() throws Exception {
        FakeLinks watched = FakeLinks.waiting(LO, ETH0);
        reconciler = InterfaceReconciler.start(attacher, watched, InterfaceSelector.of(List.of("eth*"), List.of()),
                AttachMode.AUTO);
        assertThat(attacher.takeCalls()).containsExactly("attach eth0#2");

        watched.change(new Link(9, "eth2", true, false));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!reconciler.attachments().contains(attached("eth2", "tcx")) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }

        assertThat(reconciler.attachments()).containsExactly(attached("eth0", "tcx"), attached("eth2", "tcx"));
        reconciler.close();
        assertThat(attacher.takeCalls()).containsExactly("attach eth2#9", "detach eth0#2", "detach eth2#9");
        assertThat(watched.closed()).isTrue();
    }
}
