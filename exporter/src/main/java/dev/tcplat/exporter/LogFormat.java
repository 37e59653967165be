package dev.tcplat.exporter;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --log.format}: {@code plain} keeps logback.xml's one-line pattern; {@code json} swaps the
 * encoder of its stderr appender for logback's own JSON encoder, one object per line, for log
 * pipelines that parse fields.
 */
final class LogFormat {
    private LogFormat() {}

    static void apply(String format) {
        if (!format.equals("json")) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (!(root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> appender)) {
            return; // An operator's own logback configuration decides its format itself.
        }
        JsonEncoder encoder = new JsonEncoder();
        encoder.setContext(context);
        // The timestamp, level, logger and finished message; no sequence numbers, raw templates
        // or arguments, which only repeat the message.
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMDC(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        appender.stop();
        appender.setEncoder(encoder);
        appender.start();
    }
}
