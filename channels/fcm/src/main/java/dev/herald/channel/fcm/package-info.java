/**
 * The Android push channel: {@link dev.herald.channel.fcm.FcmSender} delivers through FCM HTTP v1 with the
 * Firebase Admin SDK, one {@code FirebaseApp} per Firebase project, on a bounded pool of its own. The module
 * carries only the messaging part of firebase-admin (Firestore and Storage are excluded in the POM).
 */
@NullMarked
package dev.herald.channel.fcm;

import org.jspecify.annotations.NullMarked;
