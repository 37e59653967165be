package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EarlyAnswersTest {
    private static final Tuple TUPLE = TestEvents.family(6).local(-1L, 0x0102L, 65535).remote(0x8000_0000_0000_0000L, -1L, 1);

    private final EarlyAnswers early = new EarlyAnswers(4);

    @Test
    void aKeptAnswerKeepsEveryFieldItsSynNeeds() {
        HandshakeEvent answer = TestEvents.synAck(TUPLE, -7, 0x8000_0000, -5L).timestamps(true, 0, -2);
        assertThat(early.park(answer)).isTrue();

        int slot = early.find(TestEvents.syn(TUPLE, 0x7fff_ffff, -6L));

        assertThat(slot).isNotNegative();
        assertThat(early.answerSeq(slot)).isEqualTo(-7);
        assertThat(early.answerNs(slot)).isEqualTo(-5L);
        assertThat(early.hasTs(slot)).isTrue();
        assertThat(early.tsecr(slot)).isEqualTo(-2);
    }

    @Test
    void anAnswerWithoutTimestampsSaysSo() {
        early.park(TestEvents.synAck(TUPLE, 1, 11, 100));
        int slot = early.find(TestEvents.syn(TUPLE, 10, 90));
        assertThat(early.hasTs(slot)).isFalse();
    }

    @Test
    void onlyTheSynItAcknowledgesAndThatCameBeforeItFindsIt() {
        early.park(TestEvents.synAck(TUPLE, 1, 11, 100));

        assertThat(early.find(TestEvents.syn(TUPLE, 11, 90))).isNegative();
        assertThat(early.find(TestEvents.syn(TUPLE, 10, 101))).isNegative();
        assertThat(early.find(TestEvents.syn(TUPLE, 10, 100))).isNotNegative();
    }

    @Test
    void oneAnswerPerTupleAndNoneBeyondCapacity() {
        assertThat(early.park(TestEvents.synAck(TUPLE, 1, 11, 100))).isTrue();
        assertThat(early.park(TestEvents.synAck(TUPLE, 2, 12, 100))).isFalse();
        for (int port = 2; port <= 4; port++) {
            assertThat(early.park(TestEvents.synAck(TestEvents.family(4).local(1, 0, port).remote(2, 0, 80), 0, 1, 0)))
                    .isTrue();
        }
        assertThat(early.park(TestEvents.synAck(TestEvents.family(4).local(1, 0, 5).remote(2, 0, 80), 0, 1, 0)))
                .isFalse();
        assertThat(early.size()).isEqualTo(4);
    }

    @Test
    void expiryDropsOnlyAnswersOlderThanTheWindowAndCountsThem() {
        early.park(TestEvents.synAck(TUPLE, 1, 11, 100));
        early.park(TestEvents.synAck(TestEvents.family(4).local(1, 0, 2).remote(2, 0, 80), 0, 1, 500));

        assertThat(early.expire(100 + EarlyAnswers.WINDOW_NS)).isZero();
        assertThat(early.expire(101 + EarlyAnswers.WINDOW_NS)).isEqualTo(1);
        assertThat(early.size()).isEqualTo(1);
    }
}
