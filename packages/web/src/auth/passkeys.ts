import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api } from '../api/endpoints';

export const passkeysSupported = () => browserSupportsWebAuthn();

/** Runs a WebAuthn assertion against the server's challenge; `email` narrows it to one account's credentials. */
export async function signInWithPasskey(email?: string): Promise<void> {
  const { flowId, options } = await api.auth.passkeyOptions(email);
  const response = await startAuthentication({ optionsJSON: options as never });
  await api.auth.passkeyVerify(flowId, response);
}

export async function registerPasskey(name: string): Promise<void> {
  const { flowId, options } = await api.account.passkeyRegistrationOptions();
  const response = await startRegistration({ optionsJSON: options as never });
  await api.account.passkeyRegistrationVerify(flowId, response, name);
}

/** Confirms the signed-in session with one of the account's passkeys (a chair's step-up). */
export async function stepUpWithPasskey(): Promise<void> {
  const { flowId, options } = await api.account.stepUpPasskeyOptions();
  const response = await startAuthentication({ optionsJSON: options as never });
  await api.account.stepUpPasskeyVerify(flowId, response);
}
