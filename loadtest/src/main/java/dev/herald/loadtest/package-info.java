/**
 * On-demand benchmarks (never part of the default test run). Each compares Herald with a bare ceiling
 * measured by the same load generator in the same run, loads only 127.0.0.1, and is bounded in requests and
 * time. Run with {@code loadtest/bench}.
 */
package dev.herald.loadtest;
