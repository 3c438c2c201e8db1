package io.sallyport.config.model;

/** An enum constant spelled in configurations by a Junos keyword. */
public interface Keyword {

    String keyword();

    /** The constant whose keyword is {@code keyword}; the schema has already checked it exists. */
    static <E extends Enum<E> & Keyword> E of(Class<E> type, String keyword) {
        for (E e : type.getEnumConstants()) if (e.keyword().equals(keyword)) return e;
        throw new IllegalArgumentException("unknown " + type.getSimpleName() + " keyword: " + keyword);
    }
}
