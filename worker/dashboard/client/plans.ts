import { handlers } from './forms';
import { STR, flashThenReload } from './page';

/** A plan bought: by a gateway, off to pay; from the balance, it is running now. */
export function wirePlans(): void {
  handlers.subscribed = (answer) => {
    if (typeof answer === 'object' && answer !== null && 'pay_url' in answer && typeof answer.pay_url === 'string')
      location.href = answer.pay_url;
    else flashThenReload(STR.done);
  };
}
