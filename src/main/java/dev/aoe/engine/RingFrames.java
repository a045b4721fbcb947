package dev.aoe.engine;

import dev.aoe.net.PacketRing;
import dev.aoe.net.RawSocket;

import java.io.IOException;

/**
 * The slots of a port's packet ring as the receive thread's frames, made once. A request
 * answered on the receive thread is rewritten in its slot and sent from it, and the slot goes
 * back to the kernel with the reply batch; one kept longer (queued for an export's I/O threads)
 * is copied into a pool frame and its slot given back at once, so a stalled export never holds
 * a slot and the kernel, which fills slots in order, never meets a held one.
 */
final class RingFrames implements FrameSource {
    private final PacketRing ring;
    private final Frame[] slots;
    private final int[] filled = new int[RawSocket.MAX_BATCH];
    private final int[] lengths = new int[RawSocket.MAX_BATCH];

    /** Frames of {@code ring}'s slots, received on {@code port}, copied into {@code pool} to be kept. */
    RingFrames(PacketRing ring, FramePool pool, Port port) {
        this.ring = ring;
        this.slots = new Frame[ring.slots()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Frame(ring.frame(i), ring.frameAddress(i), port, new Slot(i, pool));
        }
    }

    /** Waits in the ring itself, never for a pool frame: {@code waitMillis} does not apply. */
    @Override
    public int receive(long waitMillis) throws IOException {
        return ring.receive(filled, lengths, RawSocket.MAX_BATCH);
    }

    @Override
    public Frame filled(int i, long receivedNanos) {
        Frame frame = slots[filled[i]];
        frame.length = lengths[i];
        frame.receivedNanos = receivedNanos;
        return frame;
    }

    /** Nothing to do: each slot goes back to the kernel when its frame is released. */
    @Override
    public void handedOut(int n) {
    }

    @Override
    public long framesDropped() {
        return ring.misplacedFrames();
    }

    @Override
    public void close() {
        ring.close();
    }

    @Override
    public String toString() {
        return ring.toString();
    }

    /** Where one slot's frame goes back: to the kernel. */
    private final class Slot implements Frame.Home {
        private final int index;
        private final FramePool pool;

        Slot(int index, FramePool pool) {
            this.index = index;
            this.pool = pool;
        }

        @Override
        public void release(Frame frame) {
            ring.release(index);
        }

        @Override
        public Frame keep(Frame frame) {
            Frame copy = pool.copy(frame);
            ring.release(index);
            return copy;
        }
    }
}
