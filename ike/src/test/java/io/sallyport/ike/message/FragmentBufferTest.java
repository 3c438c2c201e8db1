package io.sallyport.ike.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Reassembly bounds shared by all IKE SAs of an engine. */
class FragmentBufferTest {

    @Test
    void buffersDrawOnOneEngineWideBudgetAndGiveItBack() {
        var budget = new ReassemblyBudget(250);
        var one = new FragmentBuffer(1000, budget);
        var two = new FragmentBuffer(1000, budget);
        assertEquals(FragmentBuffer.Outcome.STORED, one.add(1, 1, 2, 46, new byte[200]));
        assertEquals(FragmentBuffer.Outcome.OVER_LIMIT, two.add(7, 1, 2, 46, new byte[100]));
        assertEquals(200, budget.used());
        one.clear();
        assertEquals(0, budget.used());
        assertEquals(FragmentBuffer.Outcome.STORED, two.add(7, 1, 2, 46, new byte[100]));
        assertEquals(FragmentBuffer.Outcome.COMPLETE, two.add(7, 2, 2, -1, new byte[] {5}));
        assertEquals(101, two.take().plain().length);
        assertEquals(0, budget.used());
    }

    @Test
    void aMessageOverThePerBufferLimitIsGivenUpUntilAnotherStarts() {
        var budget = new ReassemblyBudget(10_000);
        var b = new FragmentBuffer(150, budget);
        assertEquals(FragmentBuffer.Outcome.STORED, b.add(3, 1, 3, 46, new byte[100]));
        assertEquals(FragmentBuffer.Outcome.OVER_LIMIT, b.add(3, 2, 3, -1, new byte[100]));
        assertEquals(0, budget.used());
        assertEquals(FragmentBuffer.Outcome.OVER_LIMIT, b.add(3, 1, 3, 46, new byte[10]));
        assertEquals(FragmentBuffer.Outcome.STORED, b.add(4, 2, 2, -1, new byte[] {2}));
        assertEquals(FragmentBuffer.Outcome.STORED, b.add(4, 2, 2, -1, new byte[] {2}));
        assertEquals(1, b.heldBytes());
        assertEquals(FragmentBuffer.Outcome.COMPLETE, b.add(4, 1, 2, 46, new byte[] {1}));
        assertArrayEquals(new byte[] {1, 2}, b.take().plain());
    }
}
