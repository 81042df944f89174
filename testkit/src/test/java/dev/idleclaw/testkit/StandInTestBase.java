package dev.idleclaw.testkit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A fresh stand-in serving {@code llama3.2:latest} per test, with a client for it. */
abstract class StandInTestBase {
    StandInOllama ollama;
    Client client;

    @BeforeEach
    void startStandIn() {
        ollama = StandInOllama.start().model(StandInModel.of("llama3.2"));
        client = new Client(ollama);
    }

    @AfterEach
    void stopStandIn() {
        ollama.close();
    }
}
