// Decoding MLS wire messages, plus the cleartext facts a Delivery Service may act on without any key.
import { type ContentTypeName, decodeMlsMessage, type MLSMessage } from 'ts-mls';
import { toHex } from './bytes.js';

/** Decodes one MLSMessage and refuses trailing bytes (a framing error upstream should not pass silently). */
export function decodeMlsMessageStrict(bytes: Uint8Array): MLSMessage {
  const decoded = decodeMlsMessage(bytes, 0);
  if (!decoded || decoded[1] !== bytes.length) throw new Error('malformed MLS message');
  return decoded[0];
}

export interface MlsMessageInfo {
  wireformat: MLSMessage['wireformat'];
  /** Set for handshake and application messages (both are cleartext in PrivateMessage and PublicMessage). */
  contentType?: ContentTypeName;
  groupId?: Uint8Array;
  epoch?: bigint;
}

/**
 * What the server needs to order handshake traffic: which group, which epoch, and whether it is a commit. In a
 * PrivateMessage these fields are authenticated but unencrypted by design (RFC 9420 §6.3), so the Delivery Service
 * can enforce "one commit per epoch" while the content itself stays end-to-end encrypted.
 */
export function inspectMlsMessage(bytes: Uint8Array): MlsMessageInfo {
  const message = decodeMlsMessageStrict(bytes);
  switch (message.wireformat) {
    case 'mls_private_message': {
      const { groupId, epoch, contentType } = message.privateMessage;
      return { wireformat: message.wireformat, groupId, epoch, contentType };
    }
    case 'mls_public_message': {
      const { groupId, epoch, contentType } = message.publicMessage.content;
      return { wireformat: message.wireformat, groupId, epoch, contentType };
    }
    default:
      return { wireformat: message.wireformat };
  }
}

/** KeyPackageRefs (hex) of the devices a Welcome is for: lets the server route a Welcome to its recipients. */
export function welcomeRecipients(bytes: Uint8Array): string[] {
  const message = decodeMlsMessageStrict(bytes);
  if (message.wireformat !== 'mls_welcome') throw new Error('not an MLS Welcome');
  return message.welcome.secrets.map((secret) => toHex(secret.newMember));
}
