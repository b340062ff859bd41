package io.outrigger.webhook.patch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The diff is checked two ways: the exact operations for small named cases, and for every case (and
 * for many random documents) that an independent RFC 6902 implementation, applying the patch to the
 * source, yields the target.
 */
class JsonPatchDiffTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          equal documents                | {'a':1,'b':[1,2]}             | {'a':1,'b':[1,2]}                 | []
          add a field                    | {'a':1}                       | {'a':1,'b':2}                     | [{'op':'add','path':'/b','value':2}]
          remove a field                 | {'a':1,'b':2}                 | {'a':1}                           | [{'op':'remove','path':'/b'}]
          replace a value                | {'a':1}                       | {'a':'x'}                         | [{'op':'replace','path':'/a','value':'x'}]
          nested change                  | {'a':{'b':{'c':1}}}           | {'a':{'b':{'c':2}}}               | [{'op':'replace','path':'/a/b/c','value':2}]
          slash in a key                 | {'m':{}}                      | {'m':{'outrigger.io/status':'x'}} | [{'op':'add','path':'/m/outrigger.io~1status','value':'x'}]
          tilde in a key                 | {'a~b':1}                     | {'a~b':2}                         | [{'op':'replace','path':'/a~0b','value':2}]
          object becomes array           | {'a':{'b':1}}                 | {'a':[1]}                         | [{'op':'replace','path':'/a','value':[1]}]
          value becomes null             | {'a':1}                       | {'a':null}                        | [{'op':'replace','path':'/a','value':null}]
          root scalar                    | 1                             | 2                                 | [{'op':'replace','path':'','value':2}]
          prepend to an array            | {'c':[{'name':'app'}]}        | {'c':[{'name':'side'},{'name':'app'}]} | [{'op':'add','path':'/c/0','value':{'name':'side'}}]
          append to an array             | {'c':[1,2]}                   | {'c':[1,2,3]}                     | [{'op':'add','path':'/c/2','value':3}]
          remove from the middle         | {'c':[1,2,3]}                 | {'c':[1,3]}                       | [{'op':'remove','path':'/c/1'}]
          change an element found by name | {'c':[{'name':'a','v':1},{'name':'b'}]} | {'c':[{'name':'x'},{'name':'a','v':2},{'name':'b'}]} | [{'op':'add','path':'/c/0','value':{'name':'x'}},{'op':'replace','path':'/c/1/v','value':2}]
          replace unrelated elements     | {'c':[1,2]}                   | {'c':[3,4]}                       | [{'op':'remove','path':'/c/0'},{'op':'remove','path':'/c/0'},{'op':'add','path':'/c/0','value':3},{'op':'add','path':'/c/1','value':4}]
          empty array to values          | {'c':[]}                      | {'c':['x']}                       | [{'op':'add','path':'/c/0','value':'x'}]
          """)
  void producesTheseOperations(String name, String source, String target, String patch)
      throws Exception {
    JsonNode from = json(source);
    JsonNode to = json(target);
    ArrayNode diff = JsonPatchDiff.diff(from, to);
    assertThat(diff).isEqualTo(json(patch));
    assertThat(JsonPatch.apply(diff, from)).isEqualTo(to);
  }

  @Test
  void randomDocumentsAreRebuiltByTheirPatch() {
    Random random = new Random(20261126);
    for (int i = 0; i < 2000; i++) {
      JsonNode source = randomNode(random, 0);
      JsonNode target = mutate(source.deepCopy(), random, 0);
      ArrayNode patch = JsonPatchDiff.diff(source, target);
      assertThat(JsonPatch.apply(patch, source))
          .as("case %d: %s -> %s", i, source, target)
          .isEqualTo(target);
      if (source.equals(target)) {
        assertThat(patch).isEmpty();
      }
    }
  }

  @Test
  void hugeArraysFallBackToPositionsAndStayCorrect() {
    ArrayNode source = JsonNodeFactory.instance.arrayNode();
    ArrayNode target = JsonNodeFactory.instance.arrayNode();
    for (int i = 0; i < 3000; i++) {
      source.add(i);
      target.add(3000 - i);
    }
    ObjectNode from = JsonNodeFactory.instance.objectNode().set("env", source);
    ObjectNode to = JsonNodeFactory.instance.objectNode().set("env", target);
    assertThat(JsonPatch.apply(JsonPatchDiff.diff(from, to), from)).isEqualTo(to);
  }

  /**
   * RFC 6901 section 4: "~01" means the key "~1". Checked literally, since zjsonpatch, the
   * independent implementation used above, decodes it wrongly; Go's json-patch in the API server
   * decodes it right.
   */
  @Test
  void aKeyThatLooksEscapedIsEscapedAgain() throws Exception {
    assertThat(JsonPatchDiff.diff(json("{}"), json("{'~1':1}")))
        .isEqualTo(json("[{'op':'add','path':'/~01','value':1}]"));
  }

  @Test
  void escapingReplacesTildeBeforeSlash() {
    assertThat(JsonPointer.escape("a/b~c")).isEqualTo("a~1b~0c");
    assertThat(JsonPointer.escape("~/")).isEqualTo("~0~1");
    assertThat(JsonPointer.append("/metadata/annotations", "prometheus.io/port"))
        .isEqualTo("/metadata/annotations/prometheus.io~1port");
  }

  // No key "~1": zjsonpatch decodes "~01" as "/" (it unescapes ~0 before ~1, against RFC 6901).
  private static final String[] KEYS = {"a", "b", "name", "x/y", "t~", "a~b/c", ""};

  private static JsonNode randomNode(Random random, int depth) {
    int kind = depth > 3 ? random.nextInt(3) : random.nextInt(6);
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (kind) {
      case 0:
        return f.numberNode(random.nextInt(4));
      case 1:
        return f.textNode("v" + random.nextInt(3));
      case 2:
        return random.nextBoolean() ? f.nullNode() : f.booleanNode(random.nextBoolean());
      case 3:
      case 4:
        ObjectNode object = f.objectNode();
        int fields = random.nextInt(4);
        for (int i = 0; i < fields; i++) {
          object.set(KEYS[random.nextInt(KEYS.length)], randomNode(random, depth + 1));
        }
        if (random.nextInt(3) == 0) {
          object.put("name", "n" + random.nextInt(3));
        }
        return object;
      default:
        ArrayNode array = f.arrayNode();
        int items = random.nextInt(5);
        for (int i = 0; i < items; i++) {
          array.add(randomNode(random, depth + 1));
        }
        return array;
    }
  }

  private static JsonNode mutate(JsonNode node, Random random, int depth) {
    if (random.nextInt(5) == 0) {
      return randomNode(random, depth);
    }
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      for (String name : names) {
        int action = random.nextInt(4);
        if (action == 0) {
          object.remove(name);
        } else if (action == 1) {
          object.set(name, mutate(object.get(name), random, depth + 1));
        }
      }
      if (random.nextBoolean()) {
        object.set(KEYS[random.nextInt(KEYS.length)], randomNode(random, depth + 1));
      }
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = array.size() - 1; i >= 0; i--) {
        int action = random.nextInt(5);
        if (action == 0) {
          array.remove(i);
        } else if (action == 1) {
          array.set(i, mutate(array.get(i), random, depth + 1));
        } else if (action == 2) {
          array.insert(i, randomNode(random, depth + 1));
        }
      }
      if (random.nextBoolean()) {
        array.add(randomNode(random, depth + 1));
      }
      return array;
    }
    return node;
  }
}
