package io.sallyport.config.check;

import io.sallyport.config.Node;

import java.util.Optional;

/** Looks up interfaces and units named by other statements ({@code ms-1/2/0.1}). */
final class Interfaces {

    private Interfaces() {}

    static Optional<Node> unit(Node root, String ifl) {
        int dot = ifl.lastIndexOf('.');
        if (dot < 0) return Optional.empty();
        return root.child("interfaces").flatMap(i -> i.child("interface", ifl.substring(0, dot)))
            .flatMap(d -> d.child("unit", ifl.substring(dot + 1)));
    }

    static boolean ifdOrUnitExists(Node root, String name) {
        if (name.indexOf('.') >= 0) return unit(root, name).isPresent();
        return root.child("interfaces").flatMap(i -> i.child("interface", name)).isPresent();
    }

    static boolean hasInetAddress(Node root, String ifl) {
        return unit(root, ifl).flatMap(u -> u.child("family")).flatMap(f -> f.child("inet"))
            .map(inet -> !inet.all("address").isEmpty()).orElse(false);
    }
}
