package io.sallyport.lab;

/** A topology or lab command the lab cannot carry out; the message is for the user. */
public final class LabException extends Exception {
    public LabException(String message) {
        super(message);
    }
}
