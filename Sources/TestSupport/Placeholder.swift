public enum DiagnosticsTestSupport {}
