package org.dockerera.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class TableTest {
    @Test
    void columnsAlignOnVisibleWidthSoColoursDoNotShiftThem() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Terminal colour = new Terminal(out, out, true, true);
        new Table("ID", "STATUS", "NOTE").row("h-1", colour.status("up"), "").row("h-22", colour.status("down"), "x")
                .print(colour);
        String plain = bytes.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;]*m", "");
        assertThat(plain).isEqualTo("ID    STATUS  NOTE\nh-1   up\nh-22  down    x\n");
    }

    @Test
    void aPipeGetsNoEscapes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Terminal pipe = new Terminal(out, out, false, false);
        new Table("A").row(pipe.status("failed")).print(pipe);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("A\nfailed\n");
    }
}
