package org.scxgamer.core.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A library that fails to load is reported with its real cause, not with a failed initializer's null message. */
class LibraryLoadReasonTest {

    @Test
    void aFailedInitializerIsReportedByItsCause() {
        Error e = new ExceptionInInitializerError(new UnsatisfiedLinkError("Can't obtain InputStream for linux-x86-64/libjnidispatch.so"));
        assertThat(e.getMessage()).isNull();
        assertThat(LibbpfKernel.causes(e)).isEqualTo("UnsatisfiedLinkError: Can't obtain InputStream for linux-x86-64/libjnidispatch.so");
    }

    @Test
    void everyCauseWithAMessageIsNamed() {
        Throwable e = new UnsatisfiedLinkError("Unable to load library 'libbpf.so.1'");
        e.initCause(new IllegalStateException("libbpf.so.1: cannot open shared object file"));
        assertThat(LibbpfKernel.causes(e)).isEqualTo("UnsatisfiedLinkError: Unable to load library 'libbpf.so.1'; "
                + "caused by IllegalStateException: libbpf.so.1: cannot open shared object file");
    }

    @Test
    void aThrowableWithNoMessageAnywhereIsStillNamed() {
        assertThat(LibbpfKernel.causes(new NoClassDefFoundError())).isEqualTo("NoClassDefFoundError");
    }
}
