/* The scan of the plain parts of a note body in C: what pulldown-cmark's events give the readers
 * (headings, inline links, code spans, the runs of inline text), for the text most notes are.
 *
 * Handing every parser event to Python costs more than parsing (a note's ~140 events cost about
 * twenty times what pulldown-cmark spends on them), so `thoughts check` spent a third of its time
 * there. A body is cut into chunks that read alone as they read in the body (scan_chunks). A
 * chunk of ATX headings, paragraphs, thematic breaks and lists (bullet lists nested under an item's
 * text) whose inline text holds code
 * spans, `[label](target)` links and emphasis is read here, in one pass over its characters;
 * a chunk holding anything else (a code block, a table, a block quote, HTML, an escape, a nested
 * list, ...) is left to the parser, which the caller runs on the body with the chunks read here
 * blanked (markdown_scan.scan_body). A body whose chunks cannot be told apart is declined whole
 * (`None`). It never guesses: every construct it accepts is one whose CommonMark reading is
 * decided by the characters it checks, and the tests compare its scans with the parser's on
 * every corpus note and on generated text.
 *
 * It reads the body's UTF-8 bytes (an ASCII str's own, no copy): every character that decides
 * anything here is ASCII. Offsets are turned into Python string indices (code points) for the
 * results, as the Python side's are.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    Py_ssize_t *items;
    Py_ssize_t length, capacity;
} Vec;

static int vec_push(Vec *vec, Py_ssize_t value) {
    if (vec->length == vec->capacity) {
        Py_ssize_t capacity = vec->capacity ? vec->capacity * 2 : 64;
        Py_ssize_t *items = PyMem_Realloc(vec->items, (size_t)capacity * sizeof(Py_ssize_t));
        if (items == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        vec->items = items;
        vec->capacity = capacity;
    }
    vec->items[vec->length++] = value;
    return 0;
}

enum { DECLINE = -2, FAIL = -1, MAX_TICKS = 32, MAX_DEPTH = 16 };

typedef unsigned char Byte;

typedef struct {
    const Byte *bytes; /* the body in UTF-8 */
    Py_ssize_t size;
    Py_ssize_t *chars; /* the code point at each byte offset; NULL for an ASCII body */
    Vec line_starts;
    Vec odd_lines;     /* lines holding a `|` (a table?) or a tab (an indent?) */
    Vec spans;    /* start, end, ticks, in_link */
    Vec links;    /* start, end, target_start, target_end */
    Vec headings; /* level, first line (0-based), start, end */
    Vec runs;     /* start, end */
    Vec rest;     /* start, end, last line (1-based) of each chunk left to the parser */
    /* Per run length, an offset after which the block being read holds no run of that length:
     * a later opener of that length needs no search (else `` ` `` ``` ... is quadratic). */
    Py_ssize_t no_closer_from[MAX_TICKS + 1];
} Scan;

#define CH(scan, index) ((scan)->bytes[index])

/* Whether the character whose UTF-8 encoding starts at `at` is white space (Unicode's). */
static int space_at(Scan *scan, Py_ssize_t at) {
    Byte lead = CH(scan, at);
    if (lead < 0x80)
        return Py_UNICODE_ISSPACE(lead);
    int length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    Py_UCS4 code = lead & (0x3F >> (length - 1));
    for (int index = 1; index < length && at + index < scan->size; index++)
        code = (code << 6) | (CH(scan, at + index) & 0x3F);
    return Py_UNICODE_ISSPACE(code);
}

/* Whether the character ending at `end` is white space. */
static int space_before(Scan *scan, Py_ssize_t end) {
    Py_ssize_t at = end - 1;
    while (at > 0 && (CH(scan, at) & 0xC0) == 0x80)
        at--;
    return space_at(scan, at);
}

static Py_ssize_t backtick_run(Scan *scan, Py_ssize_t at, Py_ssize_t end) {
    Py_ssize_t index = at;
    while (index < end && CH(scan, index) == '`')
        index++;
    return index - at;
}

/* Where the backtick run of exactly `ticks` closing a code span starts, or -1: a code span ends
 * at the first run of its own length in its block, whatever stands between. */
static Py_ssize_t closing_run(Scan *scan, Py_ssize_t from, Py_ssize_t end, Py_ssize_t ticks) {
    Py_ssize_t index = from;
    while (index < end) {
        const Byte *found = memchr(scan->bytes + index, '`', (size_t)(end - index));
        if (found == NULL)
            return -1;
        index = found - scan->bytes;
        Py_ssize_t length = backtick_run(scan, index, end);
        if (length == ticks)
            return index;
        index += length;
    }
    return -1;
}

/* A code span opening at `at` (a run of `ticks`): recorded, and the offset after it returned;
 * `at + ticks` when it never closes (the backticks are text). */
static Py_ssize_t code_span(Scan *scan, Py_ssize_t at, Py_ssize_t end, int in_link) {
    Py_ssize_t ticks = backtick_run(scan, at, end);
    if (ticks > MAX_TICKS)
        return DECLINE;
    Py_ssize_t known = scan->no_closer_from[ticks];
    if (known >= 0 && known <= at)
        return at + ticks;
    Py_ssize_t closing = closing_run(scan, at + ticks, end, ticks);
    if (closing < 0) {
        scan->no_closer_from[ticks] = at;
        return at + ticks;
    }
    if (vec_push(&scan->spans, at) || vec_push(&scan->spans, closing + ticks) ||
        vec_push(&scan->spans, ticks) || vec_push(&scan->spans, in_link))
        return FAIL;
    return closing + ticks;
}

/* `[label](target)` opening at `at`: the offset after it; 0 when the bracket is text (no `]` in
 * the block, or no `(` right after it); DECLINE for what this reader leaves to the parser
 * (nested brackets, an image, an escape, HTML, a destination with spaces, brackets, parentheses,
 * an entity, a title or angle brackets). */
static Py_ssize_t inline_link(Scan *scan, Py_ssize_t at, Py_ssize_t end) {
    Py_ssize_t spans_before = scan->spans.length;
    Py_ssize_t index = at + 1;
    while (index < end) {
        Byte c = CH(scan, index);
        if (c == ']')
            break;
        if (c == '[' || c == '\\' || c == '<')
            return DECLINE;
        if (c == '`') {
            index = code_span(scan, index, end, 1);
            if (index < 0)
                return index;
            continue;
        }
        index++;
    }
    if (index + 1 >= end || CH(scan, index + 1) != '(') {
        /* Text: the code spans of the label are found again as the scan goes on. */
        scan->spans.length = spans_before;
        return 0;
    }
    Py_ssize_t target = index + 2, close = target;
    while (close < end) {
        Byte c = CH(scan, close);
        if (c == ')')
            break;
        if (c <= ' ' || c >= 0x7F || c == '(' || c == '<' || c == '>' || c == '\\' || c == '`' ||
            c == '[' || c == ']' || c == '&' || c == '"' || c == '\'')
            return DECLINE;
        close++;
    }
    if (close >= end || close == target)
        return DECLINE;
    if (vec_push(&scan->links, at) || vec_push(&scan->links, close + 1) ||
        vec_push(&scan->links, target) || vec_push(&scan->links, close))
        return FAIL;
    return close + 1;
}

/* The bytes that may start something inline here: a code span, a link, an image, an escape,
 * HTML or an autolink. */
static const Byte inline_mark[256] = {['`'] = 1, ['['] = 1, ['\\'] = 1, ['<'] = 1, ['!'] = 1};

/* The inline text of one block, [start, end): its code spans and links, and its run. */
static int inline_text(Scan *scan, Py_ssize_t start, Py_ssize_t end) {
    for (int ticks = 0; ticks <= MAX_TICKS; ticks++)
        scan->no_closer_from[ticks] = -1;
    Byte last = CH(scan, end - 1);
    /* A closing emphasis mark ends no run (the parser's run stops at the text before it), and
     * whether a last `*` or `_` closes one takes the whole delimiter algorithm to tell. */
    if (last == '*' || last == '_' || space_before(scan, end) || space_at(scan, start))
        return DECLINE;
    Py_ssize_t index = start;
    while (index < end) {
        Byte c = CH(scan, index);
        if (!inline_mark[c]) {
            index++;
            continue;
        }
        if (c == '`') {
            index = code_span(scan, index, end, 0);
            if (index < 0)
                return (int)index;
        } else if (c == '[') {
            Py_ssize_t after = inline_link(scan, index, end);
            if (after < 0)
                return (int)after;
            index = after ? after : index + 1;
        } else if (c == '\\' || c == '<' || (c == '!' && index + 1 < end && CH(scan, index + 1) == '[')) {
            return DECLINE;
        } else {
            index++;
        }
    }
    if (vec_push(&scan->runs, start) || vec_push(&scan->runs, end))
        return FAIL;
    return 0;
}

static int is_blank(Scan *scan, Py_ssize_t start, Py_ssize_t end) {
    for (Py_ssize_t index = start; index < end; index++)
        if (CH(scan, index) != ' ' && CH(scan, index) != '\t')
            return 0;
    return 1;
}

/* Three or more of one of `-*_` and nothing but spaces besides: a thematic break. */
static int thematic_break(Scan *scan, Py_ssize_t start, Py_ssize_t end) {
    Byte mark = CH(scan, start);
    if (mark != '-' && mark != '*' && mark != '_')
        return 0;
    int count = 0;
    for (Py_ssize_t index = start; index < end; index++) {
        Byte c = CH(scan, index);
        if (c == mark)
            count++;
        else if (c != ' ')
            return 0;
    }
    return count >= 3;
}

/* Whether a line's text from `start` would open a block of its own (a heading, a list, a quote,
 * a fence, a break, HTML): as a list item's first line, that is a nested block. */
static int opens_block(Scan *scan, Py_ssize_t start, Py_ssize_t end) {
    Byte c = CH(scan, start);
    if (c == '>' || c == '<' || c == '=' || thematic_break(scan, start, end))
        return 1;
    if (c == '#') {
        Py_ssize_t level = 0;
        while (start + level < end && CH(scan, start + level) == '#')
            level++;
        return level <= 6 && (start + level == end || CH(scan, start + level) == ' ');
    }
    if (c == '-' || c == '*' || c == '+')
        return start + 1 == end || CH(scan, start + 1) == ' ';
    if (c == '`' || c == '~')
        return end - start >= 3 && CH(scan, start + 1) == c && CH(scan, start + 2) == c;
    if (c >= '0' && c <= '9') {
        Py_ssize_t index = start;
        while (index < end && index - start < 10 && CH(scan, index) >= '0' && CH(scan, index) <= '9')
            index++;
        if (index - start > 9 || index >= end)
            return 0;
        Byte mark = CH(scan, index);
        return (mark == '.' || mark == ')') && (index + 1 == end || CH(scan, index + 1) == ' ');
    }
    return 0;
}

static Py_ssize_t trimmed_end(Scan *scan, Py_ssize_t start, Py_ssize_t end) {
    while (end > start && CH(scan, end - 1) == ' ')
        end--;
    return end;
}

static Py_ssize_t line_end(Scan *scan, Py_ssize_t line) {
    return line + 1 < scan->line_starts.length ? scan->line_starts.items[line + 1] - 1 : scan->size;
}

/* Lines [first, stop) of the body, a chunk that starts at the top level: 0 when read, DECLINE
 * (nothing of it kept) or FAIL. */
static int scan_lines(Scan *scan, Py_ssize_t first, Py_ssize_t stop) {
    const Py_ssize_t *odd = scan->odd_lines.items, count = scan->odd_lines.length;
    Py_ssize_t low = 0, high = count; /* the first odd line at or after `first` */
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (odd[middle] < first)
            low = middle + 1;
        else
            high = middle;
    }
    if (low < count && odd[low] < stop)
        return DECLINE; /* a table; a tab, which indents */
    Py_ssize_t paragraph = -1, paragraph_end = -1; /* the open paragraph's text so far */
    Byte list = 0; /* the top-level list's marker (`-`, `*`, `+`) or delimiter (`.`, `)`) */
    /* The open list items, outermost first, by the column where their content starts (an item
     * holds the lines indented at least that far, and a paragraph's lazy continuations). */
    Py_ssize_t items[MAX_DEPTH];
    int depth = 0;
    for (Py_ssize_t line = first; line < stop; line++) {
        Py_ssize_t start = scan->line_starts.items[line], end = line_end(scan, line);
        int opens = 0; /* 1: a heading, 2: a list item, 3: a blank line, 4: a thematic break */
        Py_ssize_t text = start, level = 0;
        if (is_blank(scan, start, end)) {
            opens = 3;
        } else if (CH(scan, start) == ' ') {
            while (CH(scan, text) == ' ')
                text++;
            Py_ssize_t indent = text - start;
            int holding = depth; /* the items this line is in */
            while (holding > 0 && items[holding - 1] > indent)
                holding--;
            if (opens_block(scan, text, end)) {
                Byte mark = CH(scan, text);
                /* Only a bullet item right under its parent's text: a nested list. */
                if (holding == 0 || indent != items[holding - 1] || holding == MAX_DEPTH ||
                    (mark != '-' && mark != '*' && mark != '+') || thematic_break(scan, text, end))
                    return DECLINE;
                items[holding] = indent + 2;
                depth = holding + 1;
                text += 2;
                opens = 2;
                if (text >= end || CH(scan, text) == ' ' || opens_block(scan, text, end))
                    return DECLINE; /* an empty item, an indented one, a nested block */
            } else if (paragraph < 0) {
                /* A paragraph of the item the line is in; four columns further in, code. */
                if (holding == 0 || indent - items[holding - 1] > 3)
                    return DECLINE;
                depth = holding;
            } /* else the open paragraph goes on, however far in */
        } else {
            Byte c = CH(scan, start);
            if (c == '>' || c == '<' || c == '=')
                return DECLINE; /* a quote, HTML, a setext underline */
            if (thematic_break(scan, start, end)) {
                if (c == '-' && paragraph >= 0)
                    return DECLINE; /* a setext underline, or a break: it depends on the block */
                opens = 4;
            } else if (c == '-' && (start + 1 == end || CH(scan, start + 1) != ' ')) {
                return DECLINE;
            } else if (opens_block(scan, start, end)) {
                if (c == '#') {
                    opens = 1;
                    while (text < end && CH(scan, text) == '#')
                        text++;
                    level = text - start;
                    while (text < end && CH(scan, text) == ' ')
                        text++;
                } else if (c == '-' || c == '*' || c == '+') {
                    text = start + 2;
                    list = c;
                    opens = 2;
                    items[0] = 2;
                    depth = 1;
                } else if (c >= '0' && c <= '9') {
                    Py_ssize_t number = 0;
                    while (CH(scan, text) >= '0' && CH(scan, text) <= '9')
                        number = number * 10 + (CH(scan, text++) - '0');
                    /* Only a list's own next item, or an item numbered 1, ends a paragraph;
                     * `2.` after text is text. */
                    if (paragraph >= 0 && list != CH(scan, text) && number != 1)
                        return DECLINE;
                    list = CH(scan, text);
                    text += 2;
                    opens = 2;
                    items[0] = text - start;
                    depth = 1;
                } else {
                    return DECLINE; /* a fence */
                }
                if (opens == 2 && (text >= end || CH(scan, text) == ' ' || opens_block(scan, text, end)))
                    return DECLINE; /* an empty item, an indented one, a nested block */
            }
        }
        if ((opens == 1 || opens == 4 || (opens == 0 && paragraph < 0)) && CH(scan, start) != ' ') {
            list = 0; /* a paragraph outside the list ends it, as a heading or a break does */
            depth = 0;
        }
        if (opens && paragraph >= 0) {
            int read = inline_text(scan, paragraph, trimmed_end(scan, paragraph, paragraph_end));
            if (read)
                return read;
            paragraph = -1;
        }
        if (opens == 1) {
            Py_ssize_t text_end = trimmed_end(scan, text, end);
            if (text_end == text || CH(scan, text_end - 1) == '#')
                return DECLINE; /* an empty heading, or a closing sequence */
            if (vec_push(&scan->headings, level) || vec_push(&scan->headings, line) ||
                vec_push(&scan->headings, text) || vec_push(&scan->headings, text_end))
                return FAIL;
            int read = inline_text(scan, text, text_end);
            if (read)
                return read;
        } else if (opens == 0 || opens == 2) {
            if (paragraph < 0)
                paragraph = text;
            paragraph_end = end;
        }
    }
    if (paragraph >= 0)
        return inline_text(scan, paragraph, trimmed_end(scan, paragraph, paragraph_end));
    return 0;
}

/* Lines [first, stop), read here or, when scan_lines declines them, left to the parser. */
static int read_chunk(Scan *scan, Py_ssize_t first, Py_ssize_t stop) {
    Py_ssize_t spans = scan->spans.length, links = scan->links.length;
    Py_ssize_t headings = scan->headings.length, runs = scan->runs.length;
    int read = scan_lines(scan, first, stop);
    if (read != DECLINE)
        return read;
    scan->spans.length = spans;
    scan->links.length = links;
    scan->headings.length = headings;
    scan->runs.length = runs;
    Py_ssize_t end = stop < scan->line_starts.length ? scan->line_starts.items[stop] : scan->size;
    if (vec_push(&scan->rest, scan->line_starts.items[first]) || vec_push(&scan->rest, end) ||
        vec_push(&scan->rest, stop))
        return FAIL;
    return 0;
}

/* The length of the fence a line opens at `at` (its first non-space), or 0. */
static Py_ssize_t fence_opening(Scan *scan, Py_ssize_t at, Py_ssize_t end) {
    Byte mark = CH(scan, at);
    if (mark != '`' && mark != '~')
        return 0;
    Py_ssize_t length = 0;
    while (at + length < end && CH(scan, at + length) == mark)
        length++;
    if (length < 3)
        return 0;
    if (mark == '`') /* a backtick fence's info string holds no backtick */
        for (Py_ssize_t index = at + length; index < end; index++)
            if (CH(scan, index) == '`')
                return 0;
    return length;
}

/* The line closing a fence opened `indent` spaces off the margin on line `opening` (the last
 * line when none does), or DECLINE. Such a fence is in a list item, or not (at the top level,
 * or not a fence at all: text or indented code), and each reading ends it elsewhere; but a
 * closing fence just as far in, with nothing less indented before it, ends it in every reading,
 * and no chunk can end before it (that takes an unindented line). */
static Py_ssize_t indented_fence_end(Scan *scan, Py_ssize_t opening, Py_ssize_t indent, Byte mark,
                                     Py_ssize_t length) {
    Py_ssize_t start = scan->line_starts.items[opening];
    for (Py_ssize_t index = start; index < start + indent; index++)
        if (CH(scan, index) != ' ')
            return DECLINE; /* a tab: how far in it is depends on the reading */
    Py_ssize_t lines = scan->line_starts.length;
    for (Py_ssize_t line = opening + 1; line < lines; line++) {
        Py_ssize_t end = line_end(scan, line), text = scan->line_starts.items[line];
        start = text;
        while (text < end && CH(scan, text) == ' ')
            text++;
        if (text == end)
            continue;
        if (text - start < indent || CH(scan, text) == '\t')
            return DECLINE; /* out of the list item in one reading, in the fence in another */
        Py_ssize_t run = 0;
        while (text + run < end && CH(scan, text + run) == mark)
            run++;
        if (run >= length && is_blank(scan, text + run, end)) {
            if (text - start == indent)
                return line;
            return DECLINE; /* closing in one reading only */
        }
    }
    return lines - 1;
}

/* The bytes the first pass stops at: line ends, what makes a line odd (`|`, a tab), what
 * declines the body (a control character; `]:`, maybe a reference definition). */
static const Byte block_mark[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1, [8] = 1, ['\t'] = 1,
    ['\n'] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1, [16] = 1, [17] = 1, [18] = 1,
    [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1,
    [28] = 1, [29] = 1, [30] = 1, [31] = 1, ['|'] = 1, [']'] = 1,
};

/* The whole body, cut into chunks: a blank line then an unindented line ends every open block
 * but a fenced code block (followed to its end here) and an HTML block of the kinds a blank
 * line does not end (any line opening with `<` declines the body). So each chunk reads alone as
 * it does in the body, and a chunk this reader declines is read by the parser alone, the rest
 * of the body blanked. Declines the body (DECLINE) where chunks could not be told apart: a
 * fence opened off the margin (in a list item, or not), HTML, a reference definition (it
 * serves every chunk), control characters. */
static int scan_chunks(Scan *scan) {
    Py_ssize_t size = scan->size, newlines = 0;
    if (vec_push(&scan->line_starts, 0))
        return FAIL;
    for (Py_ssize_t index = 0; index < size; index++) {
        Byte c = CH(scan, index);
        if (!block_mark[c])
            continue;
        if (c == '\n') {
            if (vec_push(&scan->line_starts, index + 1))
                return FAIL;
            newlines++;
        } else if (c == '|' || c == '\t') {
            Py_ssize_t odd = scan->odd_lines.length;
            if ((odd == 0 || scan->odd_lines.items[odd - 1] != newlines) &&
                vec_push(&scan->odd_lines, newlines))
                return FAIL;
        } else if (c != ']' || (index + 1 < size && CH(scan, index + 1) == ':')) {
            return DECLINE;
        }
    }
    Py_ssize_t lines = scan->line_starts.length, first = 0;
    Byte fence = 0;
    Py_ssize_t fence_length = 0;
    int after_blank = 0;
    for (Py_ssize_t line = 0; line < lines; line++) {
        Py_ssize_t start = scan->line_starts.items[line], end = line_end(scan, line);
        Py_ssize_t text = start;
        while (text < end && (CH(scan, text) == ' ' || CH(scan, text) == '\t'))
            text++;
        if (fence) {
            Py_ssize_t length = 0;
            if (text > start && text < end && CH(scan, text) == fence)
                for (Py_ssize_t index = start; index < text; index++)
                    if (CH(scan, index) == '\t')
                        return DECLINE; /* a closing fence or not: tabs count in columns */
            while (text + length < end && CH(scan, text + length) == fence)
                length++;
            if (text - start <= 3 && length >= fence_length && is_blank(scan, text + length, end))
                fence = 0;
            continue;
        }
        if (text == end) {
            after_blank = 1;
            continue;
        }
        if (after_blank && text == start && line > first) {
            if (read_chunk(scan, first, line))
                return FAIL;
            first = line;
        }
        after_blank = 0;
        Py_ssize_t length = fence_opening(scan, text, end);
        if (length && text != start) {
            line = indented_fence_end(scan, line, text - start, CH(scan, text), length);
            if (line < 0)
                return (int)line;
        } else if (length) {
            fence = CH(scan, text);
            fence_length = length;
        } else if (CH(scan, text) == '<') {
            return DECLINE;
        }
    }
    return read_chunk(scan, first, lines);
}

/* --- Python objects ------------------------------------------------------------------------ */

/* The result types and their fields' slot descriptors, set by configure(): instances are made
 * as pickle makes them (allocated, then each slot set), not through a dataclass __init__ in
 * Python, which would cost as much as the scan. */
enum { SPAN_FIELDS = 6, LINK_FIELDS = 11, HEADING_FIELDS = 6 };
static PyTypeObject *span_type, *link_type, *heading_type;
static PyObject *span_slots[SPAN_FIELDS], *link_slots[LINK_FIELDS], *heading_slots[HEADING_FIELDS];
static PyObject *inline_kind;

static PyObject *make(PyTypeObject *type, PyObject **slots, PyObject **values, int count) {
    PyObject *object = NULL;
    for (int index = 0; index < count; index++)
        if (values[index] == NULL)
            goto done;
    object = type->tp_alloc(type, 0);
    if (object == NULL)
        goto done;
    for (int index = 0; index < count; index++) {
        PyObject *slot = slots[index];
        if (Py_TYPE(slot)->tp_descr_set(slot, object, values[index]) < 0) {
            Py_CLEAR(object);
            goto done;
        }
    }
done:
    for (int index = 0; index < count; index++)
        Py_XDECREF(values[index]);
    return object;
}

/* The string index of a byte offset. */
#define CHAR(scan, offset) ((scan)->chars ? (scan)->chars[offset] : (offset))

/* 1-based line and column (in characters) of a byte offset. */
static void position(Scan *scan, Py_ssize_t offset, Py_ssize_t *line, Py_ssize_t *column) {
    Py_ssize_t low = 0, high = scan->line_starts.length;
    while (high - low > 1) {
        Py_ssize_t middle = (low + high) / 2;
        if (scan->line_starts.items[middle] <= offset)
            low = middle;
        else
            high = middle;
    }
    *line = low + 1;
    *column = CHAR(scan, offset) - CHAR(scan, scan->line_starts.items[low]) + 1;
}

#define INT(value) PyLong_FromSsize_t(value)
#define BOOL(value) Py_NewRef((value) ? Py_True : Py_False)

/* None when every chunk was read here; else (the body with the chunks read here blanked to spaces,
 * line ends kept, so the parser reads the rest at its own offsets and lines; the offsets where
 * the chunks left to the parser start; the 1-based lines where they end). */
static PyObject *rest_text(Scan *scan) {
    Py_ssize_t count = scan->rest.length / 3;
    if (count == 0)
        Py_RETURN_NONE;
    Byte *kept = PyMem_Malloc((size_t)scan->size + 1);
    if (kept == NULL)
        return PyErr_NoMemory();
    Py_ssize_t index = 0, length = 0;
    for (Py_ssize_t chunk = 0; chunk <= count; chunk++) {
        Py_ssize_t start = chunk < count ? scan->rest.items[3 * chunk] : scan->size;
        for (; index < start; index++) {
            Byte c = CH(scan, index);
            if ((c & 0xC0) != 0x80) /* one space a character, however many bytes it has */
                kept[length++] = c == '\n' ? '\n' : ' ';
        }
        if (chunk < count) {
            Py_ssize_t end = scan->rest.items[3 * chunk + 1];
            memcpy(kept + length, scan->bytes + index, (size_t)(end - index));
            length += end - index;
            index = end;
        }
    }
    PyObject *blanked = PyUnicode_DecodeUTF8((const char *)kept, length, "strict");
    PyMem_Free(kept);
    PyObject *starts = PyTuple_New(count), *last_lines = PyTuple_New(count);
    if (blanked == NULL || starts == NULL || last_lines == NULL)
        goto fail;
    for (Py_ssize_t chunk = 0; chunk < count; chunk++) {
        PyObject *offset = PyLong_FromSsize_t(CHAR(scan, scan->rest.items[3 * chunk]));
        if (offset == NULL)
            goto fail;
        PyTuple_SET_ITEM(starts, chunk, offset);
        PyObject *last_line = PyLong_FromSsize_t(scan->rest.items[3 * chunk + 2]);
        if (last_line == NULL)
            goto fail;
        PyTuple_SET_ITEM(last_lines, chunk, last_line);
    }
    return Py_BuildValue("(NNN)", blanked, starts, last_lines);
fail:
    Py_XDECREF(blanked);
    Py_XDECREF(starts);
    Py_XDECREF(last_lines);
    return NULL;
}

static PyObject *results(Scan *scan, PyObject *text) {
    Py_ssize_t spans = scan->spans.length / 4, links = scan->links.length / 4;
    Py_ssize_t headings = scan->headings.length / 4, runs = scan->runs.length / 2;
    PyObject *span_tuple = PyTuple_New(spans), *link_tuple = PyTuple_New(links);
    PyObject *heading_tuple = PyTuple_New(headings), *run_tuple = PyTuple_New(runs);
    if (!span_tuple || !link_tuple || !heading_tuple || !run_tuple)
        goto fail;
    Py_ssize_t line, column, target_line, target_column;
    for (Py_ssize_t index = 0; index < spans; index++) {
        Py_ssize_t *item = scan->spans.items + 4 * index;
        position(scan, item[0], &line, &column);
        PyObject *values[SPAN_FIELDS] = {
            INT(CHAR(scan, item[0])), INT(CHAR(scan, item[1])), INT(item[2]), INT(line), INT(column),
            BOOL(item[3])};
        PyObject *span = make(span_type, span_slots, values, SPAN_FIELDS);
        if (span == NULL)
            goto fail;
        PyTuple_SET_ITEM(span_tuple, index, span);
    }
    for (Py_ssize_t index = 0; index < links; index++) {
        Py_ssize_t *item = scan->links.items + 4 * index;
        position(scan, item[0], &line, &column);
        position(scan, item[2], &target_line, &target_column);
        PyObject *values[LINK_FIELDS] = {
            Py_NewRef(inline_kind),
            PyUnicode_Substring(text, CHAR(scan, item[2]), CHAR(scan, item[3])),
            INT(CHAR(scan, item[0])), INT(CHAR(scan, item[1])), INT(CHAR(scan, item[2])),
            INT(CHAR(scan, item[3])), INT(line), INT(column), INT(target_line), INT(target_column),
            BOOL(0)};
        PyObject *link = make(link_type, link_slots, values, LINK_FIELDS);
        if (link == NULL)
            goto fail;
        PyTuple_SET_ITEM(link_tuple, index, link);
    }
    for (Py_ssize_t index = 0; index < headings; index++) {
        Py_ssize_t *item = scan->headings.items + 4 * index;
        PyObject *values[HEADING_FIELDS] = {
            INT(item[0]), PyUnicode_Substring(text, CHAR(scan, item[2]), CHAR(scan, item[3])),
            INT(item[1] + 1), INT(item[1] + 1), BOOL(0), BOOL(0)};
        PyObject *heading = make(heading_type, heading_slots, values, HEADING_FIELDS);
        if (heading == NULL)
            goto fail;
        PyTuple_SET_ITEM(heading_tuple, index, heading);
    }
    for (Py_ssize_t index = 0; index < runs; index++) {
        Py_ssize_t *item = scan->runs.items + 2 * index;
        PyObject *run = PyTuple_New(2), *start = INT(CHAR(scan, item[0]));
        PyObject *end = INT(CHAR(scan, item[1]));
        if (run == NULL || start == NULL || end == NULL) {
            Py_XDECREF(run);
            Py_XDECREF(start);
            Py_XDECREF(end);
            goto fail;
        }
        PyTuple_SET_ITEM(run, 0, start);
        PyTuple_SET_ITEM(run, 1, end);
        PyTuple_SET_ITEM(run_tuple, index, run);
    }
    PyObject *rest = rest_text(scan);
    if (rest == NULL)
        goto fail;
    return Py_BuildValue("(NNNNN)", heading_tuple, link_tuple, span_tuple, run_tuple, rest);
fail:
    Py_XDECREF(span_tuple);
    Py_XDECREF(link_tuple);
    Py_XDECREF(heading_tuple);
    Py_XDECREF(run_tuple);
    return NULL;
}

static PyObject *scan_plain(PyObject *Py_UNUSED(module), PyObject *text) {
    if (!PyUnicode_Check(text)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes a str");
        return NULL;
    }
    if (span_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "configure() first");
        return NULL;
    }
    Scan scan = {0};
    PyObject *utf8 = NULL; /* a copy only for a body outside ASCII */
    if (PyUnicode_IS_ASCII(text)) {
        scan.bytes = PyUnicode_1BYTE_DATA(text);
        scan.size = PyUnicode_GET_LENGTH(text);
    } else {
        utf8 = PyUnicode_AsUTF8String(text);
        if (utf8 == NULL)
            return NULL;
        scan.bytes = (const Byte *)PyBytes_AS_STRING(utf8);
        scan.size = PyBytes_GET_SIZE(utf8);
    }
    int read = scan_chunks(&scan);
    if (read == 0 && utf8 != NULL) {
        scan.chars = PyMem_Malloc(((size_t)scan.size + 1) * sizeof(Py_ssize_t));
        if (scan.chars == NULL) {
            PyErr_NoMemory();
            read = FAIL;
        } else {
            Py_ssize_t count = 0;
            for (Py_ssize_t index = 0; index < scan.size; index++) {
                scan.chars[index] = count;
                count += (scan.bytes[index] & 0xC0) != 0x80;
            }
            scan.chars[scan.size] = count;
        }
    }
    PyObject *result = NULL;
    if (read == 0)
        result = results(&scan, text);
    else if (read == DECLINE)
        result = Py_NewRef(Py_None);
    PyMem_Free(scan.line_starts.items);
    PyMem_Free(scan.spans.items);
    PyMem_Free(scan.links.items);
    PyMem_Free(scan.headings.items);
    PyMem_Free(scan.runs.items);
    PyMem_Free(scan.rest.items);
    PyMem_Free(scan.odd_lines.items);
    PyMem_Free(scan.chars);
    Py_XDECREF(utf8);
    return result;
}

static int slots_of(PyObject *type, const char **names, PyObject **slots, int count) {
    for (int index = 0; index < count; index++) {
        PyObject *slot = PyObject_GetAttrString(type, names[index]);
        if (slot == NULL)
            return -1;
        if (Py_TYPE(slot)->tp_descr_set == NULL) {
            Py_DECREF(slot);
            PyErr_Format(PyExc_TypeError, "%R.%s is not a slot", type, names[index]);
            return -1;
        }
        Py_XSETREF(slots[index], slot);
    }
    return 0;
}

static PyObject *configure(PyObject *Py_UNUSED(module), PyObject *args) {
    PyObject *span, *link, *heading, *kind;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyType_Type, &span, &PyType_Type, &link, &PyType_Type, &heading, &kind))
        return NULL;
    static const char *span_names[SPAN_FIELDS] = {"start", "end", "ticks", "line", "column", "in_link"};
    static const char *link_names[LINK_FIELDS] = {
        "kind", "target", "start", "end", "target_start", "target_end",
        "line", "column", "target_line", "target_column", "image"};
    static const char *heading_names[HEADING_FIELDS] = {"level", "text", "line", "last_line", "nested", "setext"};
    if (slots_of(span, span_names, span_slots, SPAN_FIELDS) ||
        slots_of(link, link_names, link_slots, LINK_FIELDS) ||
        slots_of(heading, heading_names, heading_slots, HEADING_FIELDS))
        return NULL;
    Py_XSETREF(span_type, (PyTypeObject *)Py_NewRef(span));
    Py_XSETREF(link_type, (PyTypeObject *)Py_NewRef(link));
    Py_XSETREF(heading_type, (PyTypeObject *)Py_NewRef(heading));
    Py_XSETREF(inline_kind, Py_NewRef(kind));
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(CodeSpan, MarkdownLink, Heading, LinkKind.INLINE): the types scan() makes."},
    {"scan", scan_plain, METH_O,
     "scan(text) -> (headings, links, code_spans, runs, rest) or None: see markdown_scan.scan_body."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT, "_plainscan", "The scan of plain note bodies, in C.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__plainscan(void) { return PyModule_Create(&module_definition); }
