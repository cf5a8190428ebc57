package it.comune.milano.suapgw.gateway.retention;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.time.Duration;

/**
 * What the retention purge removes and how often ({@code suapgw.retention.*}). {@code outbox}: entries done or
 * cancelled longer ago than this; {@code deadLetters}: dead letters replayed longer ago than this;
 * {@code timelineYears}: the whole timeline of pratiche concluded more than this many years ago, 0 (the default) never
 * — the timeline is the pratica's legal record. {@code batchSize}: rows per delete statement (each its own transaction).
 */
@ConfigurationProperties(prefix = "suapgw.retention")
public record RetentionProperties(boolean enabled, Duration initialDelay, Duration period, int batchSize,
                                  Duration outbox, Duration deadLetters, int timelineYears) {
}
