package io.outrigger.webhook.admission;

/**
 * The request body is not an {@code admission.k8s.io/v1} AdmissionReview with a request and a uid,
 * so there is nobody to answer: the HTTP layer turns this into a 400 with the message.
 */
public class MalformedAdmissionReviewException extends RuntimeException {
  public MalformedAdmissionReviewException(String message) {
    super(message);
  }

  public MalformedAdmissionReviewException(String message, Throwable cause) {
    super(message, cause);
  }
}
